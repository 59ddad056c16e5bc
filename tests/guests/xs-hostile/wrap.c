/* wrap.c: mode=wrap, free-running indices: before its domain is
 * introduced the guest sets all four indices just below 2^32 and prints
 * "WRAP READY"; once the daemon took the ring (it kicks at INTRODUCE and
 * starts from the indices it finds) 100 READs carry them through the
 * wrap. */
#include <pvabi/xs_wire.h>

#include "conf.h"
#include "xs_hostile.h"

#define WRAP_START 0xffffff00u

void xs_wrap(volatile struct xenstore_domain_interface *x, uint32_t port)
{
	char name[64];
	unsigned ok = 0;

	x->req_cons = x->req_prod = x->rsp_cons = x->rsp_prod = WRAP_START;
	pvabi_printf("WRAP READY\n");
	while (!x->server_features)
		xs_wait_port(port);
	conf_check("xs.init", pvabi_xenbus_init());
	for (unsigned i = 0; i < 100; i++)
		ok += pvabi_xenbus_read(0, "name", name, sizeof(name)) == 4 && !strcmp(name, "wrap");
	conf_check("xs.wrap_reads", (long)ok);
	/* 100 requests of 21 bytes went through: past 2^32. */
	conf_check("xs.wrap_wrapped", x->req_prod < WRAP_START && x->rsp_prod < WRAP_START);
	conf_check("xs.wrap_error", x->error);
}
