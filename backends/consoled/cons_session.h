/* cons_session.h: an interactive console session on the calling
 * terminal (raw mode when stdin is a tty, Ctrl-] detaches, piped input is
 * sent and output shown until the domain ends), shared by hospes-console
 * and the toolstack's `hospes console`. */
#ifndef HOSPES_CONS_SESSION_H
#define HOSPES_CONS_SESSION_H

#include "cons_attach.h"

#define CONS_DETACH_KEY 0x1d /* Ctrl-], as in xl console and virsh */

enum cons_session_end {
	CONS_SESSION_DETACHED, /* the user pressed the detach key */
	CONS_SESSION_ENDED,    /* the domain ended or the daemon closed */
	CONS_SESSION_FAILED,   /* a local or socket error; *err says which */
};

/* Runs the session on stdin/stdout until it ends; the terminal is
 * restored before it returns. *err gets the -errno behind the end (0 on
 * detach). */
enum cons_session_end cons_session_run(struct cons_conn *c, int *err);

#endif
