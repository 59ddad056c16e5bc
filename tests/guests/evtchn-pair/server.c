/* server.c: the server side of evtchn-pair: offers ports to the client,
 * answers each of its events with one back, and at the end closes the main
 * port and says so on the "bye" port (the client then checks that its end
 * became unbound). */
#include "pair.h"

static volatile unsigned int received;
static evtchn_port_t main_port;

static void answer(evtchn_port_t port, void *arg)
{
	(void)arg;
	received++;
	pvabi_evtchn_send(port);
}

void pair_server(domid_t peer, unsigned int n)
{
	evtchn_port_t bye = 0, other = 0, closed = 0;
	struct evtchn_status st;
	long rc;

	rc = pvabi_evtchn_alloc_unbound(peer, &main_port);
	conf_check("pair.server_alloc", rc);
	conf_check("pair.server_alloc_bye", pvabi_evtchn_alloc_unbound(peer, &bye));
	/* Offered to ourselves, not to the client: its bind must fail. */
	conf_check("pair.server_alloc_other", pvabi_evtchn_alloc_unbound(DOMID_SELF, &other));
	/* Offered to the client and withdrawn before it binds. */
	conf_check("pair.server_alloc_closed", pvabi_evtchn_alloc_unbound(peer, &closed));
	conf_check("pair.server_close_offer", pvabi_evtchn_close(closed));
	conf_check("pair.server_status_unbound", pair_status(main_port, &st));
	conf_check("pair.server_unbound_for_peer", st.u.unbound.dom == peer);
	if (rc)
		return;
	pvabi_evtchn_bind_handler(main_port, answer, NULL);
	pvabi_printf("PAIR PORTS %u %u %u %u\n", main_port, bye, other, closed);
	pair_wait(&received, n);
	conf_check("pair.server_status_bound", pair_status(main_port, &st));
	conf_check("pair.server_bound_to_peer", st.u.interdomain.dom == peer);
	/* The client's end must turn unbound: close ours, then tell it. */
	conf_check("pair.server_close", pvabi_evtchn_close(main_port));
	conf_check("pair.server_send_bye", pvabi_evtchn_send(bye));
	conf_check("pair.server_send_closed", pvabi_evtchn_send(main_port));
	pvabi_printf("PAIR COUNT %u\n", received);
}
