/* hd_methods_console.c: domain.console: where a domain's console is served.
 * hospesd does not relay console bytes itself; the client connects to
 * hospes-consoled's socket (pvabi/consoled.h protocol) with the domid, so
 * an interactive session costs hospesd nothing and survives its restart. */
#include <stdio.h>

#include "hd_methods.h"
#include "rpc.h"

HD_METHOD(hd_m_console)
{
	struct hd_dom *d = hd_m_target(p, code, msg, msglen);
	json_object *res;

	if (!d)
		return NULL;
	hd_dom_refresh(d);
	if (!d->info.console_pfn)
		return FAIL(RPC_OP_FAILED, "domain %u has no PV console (xenstore off)",
			    d->domid);
	/* a preserved domain that ended: its console is no longer served */
	if (d->ended)
		return FAIL(RPC_OP_FAILED, "domain %u has ended (state %s)", d->domid,
			    hd_state_name(d->info.state));
	if (hd.consoled.pid <= 0)
		return FAIL(RPC_UNAVAILABLE, "hospes-consoled is not running (restarting?)");
	res = json_object_new_object();
	json_object_object_add(res, "domid", json_object_new_int((int)d->domid));
	json_object_object_add(res, "name", json_object_new_string(d->cfg.name));
	json_object_object_add(res, "socket", json_object_new_string(hd.consoled.sock));
	json_object_object_add(res, "log", json_object_new_string(hd.consoled.dir));
	return res;
}
