/* client.c: the client side of evtchn-pair: the failure cases of
 * EVTCHNOP_bind_interdomain from a guest's view, the ping-pong (it sends
 * first), and what its end looks like after the server closed its own. */
#include "pair.h"

static volatile unsigned int received, bye_seen;
static unsigned int rounds;

static void ping(evtchn_port_t port, void *arg)
{
	(void)arg;
	if (++received < rounds)
		pvabi_evtchn_send(port);
}

static void bye_handler(evtchn_port_t port, void *arg)
{
	(void)port;
	(void)arg;
	bye_seen = 1;
}

static long bind(domid_t dom, long rport, evtchn_port_t *local)
{
	if (rport < 0)
		pvabi_panic("evtchn-pair: client needs port= bye= other= closed=");
	return pvabi_evtchn_bind_interdomain(dom, (evtchn_port_t)rport, local);
}

void pair_client(domid_t server, unsigned int n, const char *cmdline)
{
	long port = pvabi_cmdline_num(cmdline, "port", -1);
	long bye = pvabi_cmdline_num(cmdline, "bye", -1);
	evtchn_port_t local = 0, lbye = 0, junk = 0;
	struct evtchn_status st;
	long rc;

	rounds = n;
	conf_check("pair.bind_offered_to_other",
		   bind(server, pvabi_cmdline_num(cmdline, "other", -1), &junk));
	conf_check("pair.bind_closed_offer",
		   bind(server, pvabi_cmdline_num(cmdline, "closed", -1), &junk));
	conf_check("pair.bind_never_allocated", bind(server, 4095, &junk));
	conf_check("pair.bind_port0", bind(server, 0, &junk));
	conf_check("pair.bind_no_such_domain", bind(DOMID_FIRST_RESERVED - 1, 1, &junk));
	rc = bind(server, port, &local);
	conf_check("pair.bind", rc);
	conf_check("pair.bind_twice", bind(server, port, &junk));
	conf_check("pair.bind_bye", bind(server, bye, &lbye));
	if (rc || !local || !lbye)
		return;
	/* The binder gets one initial event (masked until a handler is set). */
	conf_check("pair.bind_initial_event", pair_take_pending(local));
	pair_take_pending(lbye);
	conf_check("pair.status_bound", pair_status(local, &st));
	conf_check("pair.bound_to_server",
		   st.u.interdomain.dom == server && st.u.interdomain.port == port);
	pvabi_evtchn_bind_handler(local, ping, NULL);
	pvabi_evtchn_bind_handler(lbye, bye_handler, NULL);
	conf_check("pair.first_send", pvabi_evtchn_send(local));
	pair_wait(&received, n);
	pair_wait(&bye_seen, 1);
	/* The server closed its end: ours waits for a new partner. */
	conf_check("pair.status_after_peer_close", pair_status(local, &st));
	conf_check("pair.unbound_for_server", st.u.unbound.dom == server);
	conf_check("pair.send_unbound", pvabi_evtchn_send(local));
	conf_check("pair.close", pvabi_evtchn_close(local));
	conf_check("pair.status_closed", pair_status(local, &st));
	conf_check("pair.close_twice", pvabi_evtchn_close(local));
	pvabi_printf("PAIR COUNT %u\n", received);
}
