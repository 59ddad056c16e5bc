/* control.c: the toolstack's shutdown requests. As Linux does, nido
 * announces control/feature-poweroff and feature-reboot at boot and
 * watches control/shutdown; "poweroff"/"halt" and "reboot" end the domain
 * with that reason. The interactive shell sleeps on the console and the
 * store port at once (one SCHEDOP_poll), so a request is seen while idle
 * without any polling loop. */
#include "nido.h"
#include "nido_net.h"

static int watching;
static volatile int requested = -1; /* SHUTDOWN_* once asked */
static evtchn_port_t cons_port, store_port;

static uint64_t param(uint32_t index)
{
	struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index };

	return pvabi_hvm_op(HVMOP_get_param, &p) ? 0 : p.value;
}

/* Watch handler: reads the request; an empty value is the watch's first
 * event or our own acknowledgement. */
static void on_shutdown(const char *path, const char *token, void *arg)
{
	char val[32];
	long r = pvabi_xenbus_read(0, "control/shutdown", val, sizeof(val));

	(void)path;
	(void)token;
	(void)arg;
	if (r <= 0 || r >= (long)sizeof(val))
		return;
	if (!strcmp(val, "poweroff") || !strcmp(val, "halt"))
		requested = SHUTDOWN_poweroff;
	else if (!strcmp(val, "reboot"))
		requested = SHUTDOWN_reboot;
	else {
		pvabi_printf("nido: control/shutdown: ignoring \"%s\"\n", val);
		return;
	}
	/* Acknowledge as Linux does: the toolstack sees the key emptied. */
	pvabi_xenbus_write(0, "control/shutdown", "");
}

void nido_control_boot(void)
{
	uint64_t cp = param(HVM_PARAM_CONSOLE_EVTCHN), sp = param(HVM_PARAM_STORE_EVTCHN);

	if (!nido_xs_ready() || !sp || sp >= 64 * 64 || cp >= 64 * 64)
		return;
	if (pvabi_xenbus_write(0, "control/feature-poweroff", "1") < 0 ||
	    pvabi_xenbus_write(0, "control/feature-reboot", "1") < 0 ||
	    pvabi_xenbus_watch("control/shutdown", "nido-ctl", on_shutdown, NULL) < 0) {
		pvabi_printf("nido: control/shutdown not watched\n");
		return;
	}
	cons_port = (evtchn_port_t)cp;
	store_port = (evtchn_port_t)sp;
	watching = 1;
	pvabi_xenbus_dispatch(); /* the watch's immediate event */
}

int nido_control_requested(void)
{
	return requested;
}

/* Sleeps until console input or a xenstore event may be there, then runs
 * the watch handlers of what arrived. Pending bits are cleared before the
 * rings are looked at again, so nothing that arrives later is missed. */
void nido_input_wait(void)
{
	uint32_t ports[3] = { cons_port, store_port, nido_net_port() };
	struct sched_poll p = { .nr_ports = ports[2] ? 3 : 2 };
	struct shared_info *s = pvabi_shared_info();
	int net = nido_net_dev() != NULL; /* its port is 0 while reconnecting */

	if (!watching || !cons_port) {
		pvabi_console_wait();
		return;
	}
	/* An event that came in while a shell command waited for a reply is
	 * queued with its port already cleared: deliver it before sleeping. */
	if (pvabi_xenbus_dispatch() > 0 && requested >= 0)
		return;
	/* The network device is served while the shell is idle. */
	if ((net && nido_net_busy()) || requested >= 0)
		return;
	p.ports = ports;
	if (pvabi_sched_op(SCHEDOP_poll, &p) < 0)
		pvabi_sched_op(SCHEDOP_yield, NULL);
	for (unsigned int i = 0; i < p.nr_ports; i++)
		__atomic_fetch_and(&s->evtchn_pending[ports[i] / 64], ~(1ull << (ports[i] % 64)),
				   __ATOMIC_SEQ_CST);
	pvabi_xenbus_dispatch();
	if (net)
		nido_net_service();
}

void nido_control_leave(void)
{
	int reason = requested;

	if (reason < 0)
		return;
	pvabi_printf("nido: shutdown requested by the toolstack\n");
	pvabi_printf("nido: shutting down (%s)\n", nido_shutdown_name((unsigned int)reason));
	pvabi_shutdown((unsigned int)reason);
}
