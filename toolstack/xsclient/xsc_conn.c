/* xsc_conn.c: finding and connecting to the daemon socket, the handle's
 * life, and the mapping of the daemon's error names to errno values. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "xsc_internal.h"

static const struct xsd_errors xsc_errors[XSD_ERRORS_COUNT] = XSD_ERRORS_INIT;

int xsc_error_from_name(const char *name)
{
	for (int i = 0; i < XSD_ERRORS_COUNT; i++)
		if (strcmp(name, xsc_errors[i].errstring) == 0)
			return -xsc_errors[i].errnum;
	return -EINVAL; /* what Linux's xenbus does with a name it does not know */
}

const char *xsc_strerror(int err)
{
	if (err == -EBADMSG)
		return "malformed reply from the xenstore daemon";
	if (err == -EPIPE)
		return "connection to the xenstore daemon lost";
	if (err == -ETIMEDOUT)
		return "the xenstore daemon did not answer in time";
	return strerror(err < 0 ? -err : err);
}

const char *xsc_socket_path(const char *path)
{
	const char *env = getenv(XS_SOCKET_ENV);

	if (path)
		return path;
	return env && env[0] ? env : XS_DEFAULT_SOCKET;
}

/* timeout_ms bounds connect() (a stopped daemon's full backlog) and
 * every send (SO_SNDTIMEO); replies are waited for with poll. */
static int connect_unix(const char *path, unsigned timeout_ms)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	int fd;

	if (strlen(path) >= sizeof(a.sun_path))
		return -ENAMETOOLONG;
	strcpy(a.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if ((timeout_ms && setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0) ||
	    connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int err = errno == EAGAIN ? -ETIMEDOUT : -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* The pollable fd: an epoll set of the socket and the queue's eventfd. */
static int make_fileno(struct xsc *h)
{
	struct epoll_event e = { .events = EPOLLIN };

	h->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (h->evfd < 0)
		return -errno;
	h->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (h->epfd < 0)
		return -errno;
	if (epoll_ctl(h->epfd, EPOLL_CTL_ADD, h->fd, &e) < 0 ||
	    epoll_ctl(h->epfd, EPOLL_CTL_ADD, h->evfd, &e) < 0)
		return -errno;
	return 0;
}

int xsc_open_fd(int fd, struct xsc **out)
{
	struct xsc *h = calloc(1, sizeof(*h));
	int err;

	*out = NULL;
	if (!h) {
		close(fd);
		return -ENOMEM;
	}
	h->fd = fd;
	h->evfd = h->epfd = -1;
	h->next_req = 1;
	err = make_fileno(h);
	if (err) {
		xsc_close(h);
		return err;
	}
	*out = h;
	return 0;
}

int xsc_open(const char *path, struct xsc **out)
{
	return xsc_open_timeout(path, 0, out);
}

int xsc_open_timeout(const char *path, unsigned timeout_ms, struct xsc **out)
{
	int fd = connect_unix(xsc_socket_path(path), timeout_ms), err;

	*out = NULL;
	if (fd < 0)
		return fd;
	err = xsc_open_fd(fd, out);
	if (!err)
		(*out)->timeout_ms = timeout_ms;
	return err;
}

void xsc_close(struct xsc *h)
{
	if (!h)
		return;
	xsc_queue_free(h);
	xsc_watches_free(h);
	if (h->epfd >= 0)
		close(h->epfd);
	if (h->evfd >= 0)
		close(h->evfd);
	close(h->fd);
	free(h);
}

int xsc_broken(const struct xsc *h)
{
	return h->broken ? (h->broken_err ? h->broken_err : -EPIPE) : 0;
}

int xsc_fileno(struct xsc *h)
{
	return h->epfd;
}
