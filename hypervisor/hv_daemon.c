/* hv_daemon.c: `hospes-hv daemon`: the control socket, one epoll loop for
 * clients, domain ends and signals, and a clean exit on SIGTERM. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "hv_ctl.h"
#include "hv_daemon.h"
#include "hv_kvm.h"
#include "hv_time.h"
#include "hv_vcpu.h"

static int listen_on(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(a.sun_path)) {
		hv_log(NULL, HV_LOG_ERROR, "socket path %s is too long", path);
		return -ENAMETOOLONG;
	}
	strcpy(a.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	/* A socket file left by a daemon that died is replaced; a live one
	 * answers connect, and then we refuse to steal it. */
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
		hv_log(NULL, HV_LOG_ERROR, "another daemon serves %s", path);
		close(fd);
		return -EADDRINUSE;
	}
	unlink(path);
	mode_t old = umask(0077);
	int r = bind(fd, (struct sockaddr *)&a, sizeof(a));
	umask(old);
	if (r < 0 || listen(fd, 64) < 0) {
		r = -errno;
		hv_log(NULL, HV_LOG_ERROR, "cannot listen on %s: %s", path, strerror(errno));
		close(fd);
		return r;
	}
	return fd;
}

static int add(struct hv_ctl *c, int fd, struct ctl_src *s)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = s };

	return epoll_ctl(c->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

static int setup(struct hv_ctl *c, const struct hv_daemon_opts *o)
{
	sigset_t set;
	struct stat st;
	int r;

	if (stat(o->state_dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		hv_log(NULL, HV_LOG_ERROR, "state directory %s does not exist", o->state_dir);
		return -ENOTDIR;
	}
	c->state_dir = o->state_dir;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	c->listen_src.kind = CTL_SRC_LISTEN;
	c->signal_src.kind = CTL_SRC_SIGNAL;
	if ((c->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
	    (c->sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) < 0)
		return -errno;
	if ((r = hv_kvm_open()) || (r = hv_vcpu_signals_init()))
		return r;
	if ((c->lfd = listen_on(o->socket_path)) < 0)
		return c->lfd;
	if ((r = add(c, c->lfd, &c->listen_src)) || (r = add(c, c->sfd, &c->signal_src)))
		return r;
	return 0;
}

static int timeout_ms(struct hv_ctl *c)
{
	uint64_t next = ctl_wait_expire(c), now;

	if (!next)
		return -1;
	now = hv_monotonic_ns();
	return next <= now ? 0 : (int)((next - now) / 1000000ull + 1);
}

static void on_signal(struct hv_ctl *c)
{
	struct signalfd_siginfo si;

	while (read(c->sfd, &si, sizeof(si)) == sizeof(si)) {
		hv_log(NULL, HV_LOG_INFO, "%s: stopping", si.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM");
		c->stopping = true;
	}
}

static void loop(struct hv_ctl *c)
{
	struct epoll_event ev[32];

	while (!c->stopping) {
		int n = epoll_wait(c->epfd, ev, 32, timeout_ms(c));

		for (int i = 0; i < n; i++) {
			struct ctl_src *s = ev[i].data.ptr;

			switch (s->kind) {
			case CTL_SRC_LISTEN: ctl_conn_accept(c); break;
			case CTL_SRC_SIGNAL: on_signal(c); break;
			case CTL_SRC_CONN:
				ctl_conn_event(c, (struct ctl_conn *)s, ev[i].events);
				break;
			case CTL_SRC_DOM: ctl_dom_event(c, (struct ctl_dom *)s); break;
			}
		}
		ctl_conn_reap_dead(c);
	}
}

int hv_daemon(const struct hv_daemon_opts *o)
{
	struct hv_ctl c = { .epfd = -1, .lfd = -1, .sfd = -1 };
	int status = 1, r;

	if ((r = setup(&c, o))) {
		hv_log(NULL, HV_LOG_ERROR, "daemon cannot start: %s", strerror(-r));
	} else {
		hv_log(NULL, HV_LOG_INFO, "serving %s (state in %s)", o->socket_path, o->state_dir);
		loop(&c);
		ctl_conn_close_all(&c);
		ctl_dom_destroy_all(&c);
		unlink(o->socket_path);
		hv_log(NULL, HV_LOG_INFO, "stopped");
		status = 0;
	}
	if (c.lfd >= 0)
		close(c.lfd);
	if (c.sfd >= 0)
		close(c.sfd);
	if (c.epfd >= 0)
		close(c.epfd);
	hv_kvm_close();
	return status;
}
