/* console_fixture.h: guests with a PV console served by hospes-consoled,
 * doing the toolstack's part until hospesd does: hospes-hv daemon and
 * hospes-stored (guest_store_fixture), domains created with the xenstore
 * and console flags, their console keys written and introduced; and a
 * hospes-consoled (restartable) with its own state directory. */
#ifndef HOSPES_TEST_CONSOLE_FIXTURE_H
#define HOSPES_TEST_CONSOLE_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "cons_attach.h"
#include "guest_store_fixture.h"

/* hospes-hv, hospes-stored and hospes-consoled. */
void cfx_start(const char *tag);
void cfx_stop(void);
/* Starts / stops (SIGTERM; returns its exit code) hospes-consoled alone. */
void cfx_consoled_start(void);
/* One more option (name, value) for the next starts; NULL name = none. */
void cfx_consoled_option(const char *name, const char *value);
int cfx_consoled_stop(void);
const char *cfx_socket(void);
/* hospes-consoled's pid (to stop and continue it). */
int cfx_consoled_pid(void);
char *cfx_consoled_log(void); /* its stderr, malloc'd */
/* A file's contents, malloc'd ("" if unreadable). */
char *cfx_slurp(const char *path);

/* Creates guests/<guest>.elf (64 MiB, xenstore + console pages), writes
 * /local/domain/<id>/{name,domid} and console/{ring-ref,port,type,limit,
 * output,tty,backend-id} like libxl, introduces it, starts it if start. */
uint32_t cfx_domain(struct hvctl *h, struct xsc *xs, const char *guest, const char *cmdline,
		    bool start);
/* Waits for the domain to end (shutdown expected); on a timeout fails
 * the test with consoled's, hospes-stored's and hospes-hv's logs. */
void cfx_wait_shutdown(struct hvctl *h, uint32_t domid, uint32_t ms);
/* The toolstack after the domain ended: RELEASE and remove its keys. */
void cfx_release(struct xsc *xs, uint32_t domid);

/* consoled's log of domid, malloc'd ("" if none). */
char *cfx_console_log(uint32_t domid);
/* 1 once text is in domid's log within ms. */
int cfx_log_wait(uint32_t domid, const char *text, int ms);
/* 1 once text is in consoled's stderr within ms. */
int cfx_consoled_log_wait(const char *text, int ms);

/* Attaches (fails the test on error). */
void cfx_attach(uint32_t domid, struct cons_conn *c);
/* Reads output into acc (appending, NUL-terminated, cap bytes) until text
 * appears: 1; 0 on timeout; the daemon's negative status if it ended the
 * attachment (*acc still holds what came before). */
int cfx_read_until(struct cons_conn *c, const char *text, int ms, char *acc, size_t cap);

/* console_expect.c, on nido's interactive shell (failing the test):
 * type line and read until want; get a fresh `nido> ` prompt; after
 * poweroff: wait for the shutdown, release, and see the client told
 * -ESRCH. cfx_count: occurrences of needle in hay. */
void cfx_type_expect(struct cons_conn *c, const char *line, const char *want);
void cfx_expect_prompt(struct cons_conn *c);
void cfx_expect_gone(struct hvctl *hv, struct xsc *xs, struct cons_conn *c, uint32_t dom);
int cfx_count(const char *hay, const char *needle);

#endif
