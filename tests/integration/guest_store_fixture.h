/* guest_store_fixture.h: guests with xenstore, doing the toolstack's part
 * until hospesd does: a private hospes-hv daemon and a hospes-stored that
 * serves its guests' rings; domains are created with the xenstore flag,
 * given their home directory and introduced before they start. */
#ifndef HOSPES_TEST_GUEST_STORE_FIXTURE_H
#define HOSPES_TEST_GUEST_STORE_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "daemon_fixture.h"
#include "xs_fixture.h"

/* Starts hospes-hv (daemon_fixture) and hospes-stored pointed at it
 * (through HOSPES_HV_SOCKET). */
void gsfx_start(const char *tag);
/* Stops both; returns hospes-stored's exit code. */
int gsfx_stop(void);

/* Creates guests/<guest>.elf with a store page (not started), writes
 *   /local/domain/<id>          owner <id> (the guest's home, "n<id>")
 *   /local/domain/<id>/name     name   } owner dom0, read for <id>
 *   /local/domain/<id>/domid    "<id>" } ("n0 r<id>": fixed identity)
 * introduces it (store_pfn, store_port from hospes-hv) and starts it if
 * start. Fails the test on any error. */
uint32_t gsfx_domain(struct hvctl *h, struct xsc *xs, const char *guest, const char *name,
		     const char *cmdline, bool start);
/* Its two steps: the home directory with name and domid, and INTRODUCE
 * with the store page and port from hospes-hv's info reply. */
void gsfx_home(struct xsc *xs, uint32_t domid, const char *name);
void gsfx_introduce(struct hvctl *h, struct xsc *xs, uint32_t domid);

#endif
