/* daemon_fixture.h: a private `hospes-hv daemon` for integration tests that
 * run several domains at once (socket and console logs in a temp dir),
 * with helpers to create domains, read their consoles and wait for them. */
#ifndef HOSPES_TEST_DAEMON_FIXTURE_H
#define HOSPES_TEST_DAEMON_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "hvctl.h"

/* Starts the daemon (fails the test if its socket does not appear). */
void dfx_start(const char *tag);
/* SIGTERM; the daemon's exit code (-2 if it had to be killed), and the
 * temp dir is removed. Safe to call twice. */
int dfx_stop(void);
/* The daemon's control socket (for other daemons, e.g. hospes-stored). */
const char *dfx_socket(void);
/* 1 while the daemon process is alive. */
int dfx_alive(void);
/* The daemon's log (stderr), malloc'd. */
char *dfx_log(void);

struct hvctl *dfx_connect(void);
/* Creates (and starts, if start) guests/<guest>.elf; fails the test on error. */
uint32_t dfx_create(struct hvctl *h, const char *guest, uint64_t mem, const char *cmdline,
		    bool start);
/* The n-th lowest domain id not in use (0 = the next create's id: the
 * daemon hands out the lowest free id). */
uint32_t dfx_free_id(struct hvctl *h, unsigned n);
/* Domain domid's console log, malloc'd ("" if none yet). */
char *dfx_console(uint32_t domid);
/* Polls the console for text; 1 if it appeared within ms. */
int dfx_console_wait(uint32_t domid, const char *text, int ms);
/* Waits until the domain ended (shutdown, fault, error or destroyed) and
 * returns its info; fails the test after timeout_ms. */
struct hvctl_dominfo dfx_wait_end(struct hvctl *h, uint32_t domid, uint32_t timeout_ms);
/* Monotonic milliseconds. */
double dfx_now_ms(void);

#endif
