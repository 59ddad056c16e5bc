/* bk_daemon_serve.c: the loop of a backend daemon built on xbb, with its
 * control socket. Apart from bk_daemon.c: hospes-consoled does not use
 * xbb and links only that one. */
#include "bctl.h"
#include "bk_daemon.h"
#include "xbb.h"

int bk_daemon_serve(uv_loop_t *loop, const char *xs_socket, const struct xbb_ops *ops,
		    const char *sock_path, const struct bctl_config *ctl)
{
	if (xbb_start(loop, xs_socket, ops) < 0)
		return -1;
	/* after xbb: a client asking "status" then sees a serving daemon */
	if (sock_path && bctl_start(loop, sock_path, ctl) < 0)
		return -1;
	xbb_log(-1, "ready");
	uv_run(loop, UV_RUN_DEFAULT);
	xbb_close();
	return 0;
}
