/* evtchn-pair: two domains exchange interdomain events. Command line:
 * "role=server peer=<client domid> n=<rounds>" allocates the ports and
 * prints "PAIR PORTS <main> <bye> <other> <closed>"; "role=client
 * peer=<server domid> n=<rounds> port=<main> bye=<bye> other=<other>
 * closed=<closed>" binds them. The client sends first; each side counts
 * the events it receives and answers until n. Both print CHECK lines,
 * "PAIR COUNT <n>" and power off. */
#include "pair.h"

void pair_wait(volatile unsigned int *count, unsigned int n)
{
	/* sti's one-instruction shadow makes "sti; hlt" atomic: an upcall
	 * arriving after the check still ends the hlt. */
	while (*count < n)
		__asm__ volatile("sti; hlt; cli" : : : "memory");
}

int pair_take_pending(evtchn_port_t port)
{
	struct shared_info *s = pvabi_shared_info();
	uint64_t bit = 1ull << (port % 64);

	return (__atomic_fetch_and(&s->evtchn_pending[port / 64], ~bit, __ATOMIC_SEQ_CST) & bit) != 0;
}

long pair_status(evtchn_port_t port, struct evtchn_status *st)
{
	long rc;

	*st = (struct evtchn_status){ .dom = DOMID_SELF, .port = port };
	rc = pvabi_evtchn_status(st);
	return rc ? rc : (long)st->status;
}

void pvabi_kernel_main(const struct pvabi_boot *boot)
{
	long peer = pvabi_cmdline_num(boot->cmdline, "peer", -1);
	long n = pvabi_cmdline_num(boot->cmdline, "n", -1);

	if (peer <= 0 || peer >= DOMID_FIRST_RESERVED || n <= 0)
		pvabi_panic("evtchn-pair: need peer=<domid> n=<rounds>");
	conf_init();
	if (pvabi_events_init(PAIR_VECTOR))
		pvabi_panic("evtchn-pair: no events");
	if (pvabi_cmdline_has(boot->cmdline, "role=server"))
		pair_server((domid_t)peer, (unsigned int)n);
	else if (pvabi_cmdline_has(boot->cmdline, "role=client"))
		pair_client((domid_t)peer, (unsigned int)n, boot->cmdline);
	else
		pvabi_panic("evtchn-pair: role=server or role=client");
	conf_done();
}
