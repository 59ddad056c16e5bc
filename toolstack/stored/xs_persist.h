/* xs_persist.h: the tree in --state-dir across restarts (xs_persist.c:
 * saving and loading on the event loop; xs_persist_parse.c: the format,
 * in the core so unit tests reach it). */
#ifndef XS_PERSIST_H
#define XS_PERSIST_H

#include <uv.h>

#include "xs.h"

/* Replaces the live tree with the saved one in buf (len bytes, NUL after
 * them). Number of nodes loaded, or -1 for a malformed file (the tree is
 * then partly replaced: the caller starts over with xs_store_init). */
int xs_persist_parse(const char *buf, size_t len);
/* Room for a node's permission list as text (a SET_PERMS payload is at
 * most 4096 bytes). */
#define XS_PERSIST_PERMS_MAX (XENSTORE_PAYLOAD_MAX + 64)

/* Loads <state_dir>/tree if present: nodes loaded, 0 without a file, -1 if
 * it could not be used (logged; the initial tree is kept). */
int xs_persist_load(const char *state_dir);
/* Saves after changes, XS_PERSIST_DELAY_MS after the first one. */
int xs_persist_start(uv_loop_t *loop, const char *state_dir);
/* Saves now (0 or -1). */
int xs_persist_save(void);
/* Saves pending changes and closes the handles. */
void xs_persist_stop(void);

#endif
