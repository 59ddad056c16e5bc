/* hv_console_pump.c: the console ring backend inside `hospes-hv run` (see
 * hv_console_pump.h). One thread: poll on the port's notify eventfd, stdin
 * and a stop eventfd; the same ring rules as hospes-consoled (SPEC.md
 * §16.5), and a guest that breaks them is simply no longer served. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <termios.h>
#include <unistd.h>

#include <pvabi/console_ring.h>

#include "evtchn_dom0.h"
#include "hv_console_pump.h"

struct hv_console_pump {
	struct hv_domain *dom;
	volatile struct xencons_interface *ring;
	int notify_fd, kick_fd, stop_fd, out_fd, in_fd;
	bool in_open, broken, tty;
	struct termios saved;
	uint8_t pending[XENCONS_IN_SIZE]; /* read from in_fd, not yet in the ring */
	size_t npending;
	uint32_t out_cons, kick_cons; /* last published; at the last kick */
	uint32_t in_prod;             /* last published */
	pthread_t thread;
};

static void kick(struct hv_console_pump *p)
{
	uint64_t one = 1;

	if (write(p->kick_fd, &one, sizeof(one)) < 0)
		return; /* a full counter already means "kicked" */
}

static void write_all(int fd, const uint8_t *b, size_t n)
{
	while (n) {
		ssize_t w = write(fd, b, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* nobody reads stdout any more: drop */
		b += w;
		n -= (size_t)w;
	}
}

/* Moves out -> out_fd and pending -> in; false on impossible indices.
 * *kick: the guest may wait for us — input went in, or out_prod got a
 * whole ring ahead of the first out_cons it could have seen since our
 * last kick (it blocks only on a full ring), as in hospes-consoled. */
static bool pump(struct hv_console_pump *p, bool *kick)
{
	volatile struct xencons_interface *r = p->ring;
	uint8_t buf[XENCONS_OUT_SIZE];
	uint32_t cons, prod, n;

	for (;;) {
		cons = p->out_cons; /* ours: the guest may scribble on the page's */
		prod = r->out_prod;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if ((n = prod - cons) > XENCONS_OUT_SIZE)
			return false;
		if (prod - p->kick_cons >= XENCONS_OUT_SIZE)
			*kick = true;
		if (!n)
			break;
		for (uint32_t i = 0; i < n; i++)
			buf[i] = (uint8_t)r->out[(cons + i) & (XENCONS_OUT_SIZE - 1)];
		__atomic_thread_fence(__ATOMIC_RELEASE);
		r->out_cons = p->out_cons = prod;
		__atomic_thread_fence(__ATOMIC_SEQ_CST); /* then out_prod again */
		write_all(p->out_fd, buf, n);
	}
	cons = r->in_cons;
	prod = p->in_prod;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (prod - cons > XENCONS_IN_SIZE)
		return false;
	n = XENCONS_IN_SIZE - (prod - cons);
	if (n > p->npending)
		n = (uint32_t)p->npending;
	for (uint32_t i = 0; i < n; i++)
		r->in[(prod + i) & (XENCONS_IN_SIZE - 1)] = (char)p->pending[i];
	if (n) {
		__atomic_thread_fence(__ATOMIC_RELEASE);
		r->in_prod = p->in_prod = prod + n;
		memmove(p->pending, p->pending + n, p->npending - n);
		p->npending -= n;
		*kick = true;
	}
	return true;
}

static void step(struct hv_console_pump *p)
{
	bool need = false;

	if (p->broken)
		return;
	if (!pump(p, &need)) {
		p->broken = true;
		hv_log(p->dom, HV_LOG_ERROR, "console ring indices out of range: console dropped");
		return;
	}
	if (need) {
		p->kick_cons = p->out_cons;
		kick(p);
	}
}

static void *pump_thread(void *arg)
{
	struct hv_console_pump *p = arg;

	step(p); /* output written before the thread started */
	for (;;) {
		struct pollfd f[3] = { { p->stop_fd, POLLIN, 0 }, { p->notify_fd, POLLIN, 0 },
				       { -1, POLLIN, 0 } };
		uint64_t v;

		/* Stdin is read only while there is room for it: flow control. */
		if (p->in_open && p->npending < sizeof(p->pending))
			f[2].fd = p->in_fd;
		if (poll(f, 3, -1) < 0 && errno != EINTR)
			break;
		if (f[0].revents)
			break;
		if (f[1].revents && read(p->notify_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
			break;
		if (f[2].revents) {
			ssize_t n = read(p->in_fd, p->pending + p->npending,
					 sizeof(p->pending) - p->npending);

			if (n > 0)
				p->npending += (size_t)n;
			else if (n == 0 || errno != EINTR)
				p->in_open = false;
		}
		step(p);
	}
	step(p); /* the last words */
	return NULL;
}

static void tty_setup(struct hv_console_pump *p)
{
	struct termios t;

	if (!isatty(p->in_fd) || tcgetattr(p->in_fd, &p->saved) < 0)
		return;
	t = p->saved;
	t.c_lflag &= ~(tcflag_t)(ECHO | ICANON); /* the guest echoes and edits */
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	p->tty = tcsetattr(p->in_fd, TCSANOW, &t) == 0;
}

int hv_console_pump_start(struct hv_domain *d, int out_fd, int in_fd,
			  struct hv_console_pump **out)
{
	struct hv_console_pump *p = calloc(1, sizeof(*p));
	int r;

	*out = NULL;
	if (!p)
		return -ENOMEM;
	p->dom = d;
	p->out_fd = out_fd;
	p->in_fd = in_fd;
	p->in_open = in_fd >= 0;
	p->ring = gmem_gpa_ptr(&d->mem, d->console_gpfn * HV_PAGE_SIZE, HV_PAGE_SIZE);
	if (p->ring) {
		p->out_cons = p->kick_cons = p->ring->out_cons;
		p->in_prod = p->ring->in_prod;
	}
	p->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (!d->console_gpfn || !p->ring || p->stop_fd < 0) {
		r = !d->console_gpfn || !p->ring ? -EINVAL : -errno;
		goto fail;
	}
	if ((r = evtchn_dom0_bind(d, d->console_port, &p->notify_fd, &p->kick_fd)) < 0)
		goto fail;
	tty_setup(p);
	if ((r = -pthread_create(&p->thread, NULL, pump_thread, p))) {
		close(p->notify_fd);
		close(p->kick_fd);
		goto fail;
	}
	*out = p;
	return 0;
fail:
	hv_log(d, HV_LOG_ERROR, "cannot serve the console ring: %s", strerror(-r));
	if (p->tty)
		tcsetattr(p->in_fd, TCSANOW, &p->saved);
	if (p->stop_fd >= 0)
		close(p->stop_fd);
	free(p);
	return r;
}

void hv_console_pump_stop(struct hv_console_pump *p)
{
	uint64_t one = 1;

	if (!p)
		return;
	if (write(p->stop_fd, &one, sizeof(one)) == sizeof(one))
		pthread_join(p->thread, NULL);
	else
		pthread_cancel(p->thread);
	if (p->tty)
		tcsetattr(p->in_fd, TCSANOW, &p->saved);
	close(p->notify_fd);
	close(p->kick_fd);
	close(p->stop_fd);
	free(p);
}
