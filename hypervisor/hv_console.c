/* hv_console.c: a domain's console output: the line-buffered 0xE9 debug
 * port and whole console_io writes, to one file descriptor. */
#include <errno.h>
#include <unistd.h>

#include "hv.h"

void hv_console_init(struct hv_console *c, int fd)
{
	pthread_mutex_init(&c->lock, NULL);
	c->fd = fd;
	c->len = 0;
}

/* Output errors (closed stdout...) only lose guest output: never fatal. */
static void write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue; /* the watchdog signal has no SA_RESTART */
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

static void flush_locked(struct hv_console *c)
{
	write_all(c->fd, c->line, c->len);
	c->len = 0;
}

void hv_console_write(struct hv_console *c, const void *buf, size_t len)
{
	pthread_mutex_lock(&c->lock);
	flush_locked(c); /* keep the order of port and hypercall output */
	write_all(c->fd, buf, len);
	pthread_mutex_unlock(&c->lock);
}

void hv_console_putc(struct hv_console *c, char ch)
{
	pthread_mutex_lock(&c->lock);
	c->line[c->len++] = ch;
	if (ch == '\n' || c->len == sizeof(c->line))
		flush_locked(c);
	pthread_mutex_unlock(&c->lock);
}

void hv_console_flush(struct hv_console *c)
{
	pthread_mutex_lock(&c->lock);
	flush_locked(c);
	pthread_mutex_unlock(&c->lock);
}
