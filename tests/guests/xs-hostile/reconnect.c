/* reconnect.c: mode=reconnect, the reconnection protocol (Xen's
 * XENSTORE_SERVER_FEATURE_RECONNECTION): with a watch registered and the
 * indices moved by earlier requests, the guest sets connection to
 * RECONNECT and notifies; the daemon drops the session, zeroes the
 * indices and sets CONNECTED; requests work again from index 0. */
#include <pvabi/xs_wire.h>

#include "conf.h"
#include "xs_hostile.h"

static void on_event(const char *path, const char *token, void *arg)
{
	(void)path;
	(void)token;
	(void)arg;
}

void xs_reconnect(volatile struct xenstore_domain_interface *x, uint32_t port)
{
	char name[64];

	conf_check("xs.reconnect_watch", pvabi_xenbus_watch("data/r", "tok", on_event, NULL));
	conf_check("xs.reconnect_moved", x->req_prod != 0 && x->rsp_prod != 0);
	__atomic_store_n(&x->connection, XENSTORE_RECONNECT, __ATOMIC_SEQ_CST);
	pvabi_evtchn_send(port);
	/* The daemon kicks once it set CONNECTED again. */
	for (unsigned i = 0; i < 8 && x->connection != XENSTORE_CONNECTED; i++)
		xs_wait_port(port);
	conf_check("xs.reconnect_connected", x->connection == XENSTORE_CONNECTED);
	conf_check("xs.reconnect_indices_zero",
		   (x->req_cons | x->req_prod | x->rsp_cons | x->rsp_prod) == 0);
	/* pvabi's client reads the indices from the page: it carries on. */
	conf_check("xs.reconnect_read", pvabi_xenbus_read(0, "name", name, sizeof(name)) > 0);
	conf_check_str("xs.reconnect_name", name);
}
