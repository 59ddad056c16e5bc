/* xs_fixture.h: a private hospes-stored (socket in a temp dir) for the
 * xenstore tests, and a runner for Debian's xenstore-* tools against it. */
#ifndef HOSPES_TEST_XS_FIXTURE_H
#define HOSPES_TEST_XS_FIXTURE_H

#include <sys/types.h>

#include "xsclient.h"

/* Starts the daemon; sets XENSTORED_PATH to its socket for the tools. */
void xsfx_start(void);
/* SIGTERM, waits; returns the daemon's exit code (128+sig if killed). */
int xsfx_stop(void);
const char *xsfx_socket(void);
char *xsfx_log(void);
struct xsc *xsfx_client(void);

struct xsfx_run {
	int status; /* exit code, or 128 + signal, or -1 if it hung */
	char out[8192], err[2048];
};
/* Runs /usr/bin/<argv[0]> (NULL-terminated argv) with a deadline. */
struct xsfx_run xsfx_tool(const char *const argv[]);

/* Background tool: started with stdout to a file; wait for text in it. */
pid_t xsfx_tool_bg(const char *const argv[], const char *outfile);
int xsfx_file_wait(const char *file, const char *text, int ms);
int xsfx_wait_exit(pid_t pid, int ms); /* exit code, -1 if still running */

#endif
