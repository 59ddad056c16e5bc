/* xs_uv.h: the libuv socket transport of hospes-stored. */
#ifndef XS_UV_H
#define XS_UV_H

#include <uv.h>

#include "xs.h"

int xs_uv_listen(uv_loop_t *loop, uv_pipe_t *server, const char *path);
void xs_uv_close_all(uv_loop_t *loop, uv_pipe_t *server);

#endif
