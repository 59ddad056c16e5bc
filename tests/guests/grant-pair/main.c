/* grant-pair: two domains share pages through grants.
 * "role=granter peer=<mapper domid> [die]" sets up its table, grants a
 * page with a pattern (writable) and one readonly to the peer, offers an
 * event channel and prints "GNT READY <rw ref> <ro ref> <port> <gfn>".
 * "role=mapper peer=<granter domid> rw=<ref> ro=<ref> port=<port>
 * gfn=<granter frame>" binds the channel, maps both grants, checks the
 * pattern, writes a reply and tries what a grant does not allow (the
 * isolation checks). Events step the two through: mapped (1) -> the
 * granter checks end_access is refused and sees the reply (1) -> the
 * mapper unmaps (2) -> the granter ends access (2) -> the mapper tries
 * to map again and lets the granter go (3). With "die" the granter
 * powers off while still mapped; the mapper waits until its channel turns
 * unbound, then checks its mapping still holds the granter's last data and
 * that unmapping and a new map behave. */
#include "conf.h"

#define PAGE __attribute__((aligned(4096)))
#define GFN(p) ((uint64_t)(uintptr_t)(p) >> 12)
#define VECTOR 0xf3

static uint8_t table[4096] PAGE;
static uint8_t shared_rw[4096] PAGE, shared_ro[4096] PAGE, secret[4096] PAGE;
static uint8_t map_rw[4096] PAGE, map_ro[4096] PAGE, own[4096] PAGE;
static volatile unsigned int events;

static void on_event(evtchn_port_t port, void *arg)
{
	(void)port;
	(void)arg;
	events++;
}

static void wait_events(unsigned int n)
{
	while (events < n)
		__asm__ volatile("sti; hlt; cli" : : : "memory");
}

static long raw_map(domid_t dom, grant_ref_t ref, void *at, uint32_t flags)
{
	struct gnttab_map_grant_ref m = { .host_addr = (uintptr_t)at, .flags = flags, .ref = ref, .dom = dom };
	long r = pvabi_grant_table_op(GNTTABOP_map_grant_ref, &m, 1);

	return r ? r : m.status;
}

static void granter(domid_t peer, int die)
{
	volatile struct grant_entry_v1 *t;
	evtchn_port_t port = 0;
	long rw, ro, other;

	conf_check("gp.init", pvabi_gnttab_init(GFN(table), 1));
	t = pvabi_gnttab_table();
	for (unsigned i = 0; i < 4096; i++) {
		shared_rw[i] = (uint8_t)(i ^ 0xA5);
		shared_ro[i] = (uint8_t)(0x33 + i);
		secret[i] = 0x77;
	}
	rw = pvabi_gnttab_alloc_ref();
	ro = pvabi_gnttab_alloc_ref();
	other = pvabi_gnttab_alloc_ref();
	pvabi_gnttab_grant_access((grant_ref_t)rw, peer, GFN(shared_rw), 0);
	pvabi_gnttab_grant_access((grant_ref_t)ro, peer, GFN(shared_ro), 1);
	/* Granted to a third domain id: the peer must not be able to use it. */
	pvabi_gnttab_grant_access((grant_ref_t)other, (domid_t)(peer + 100), GFN(secret), 0);
	conf_check("gp.alloc_port", pvabi_evtchn_alloc_unbound(peer, &port));
	pvabi_evtchn_bind_handler(port, on_event, 0);
	pvabi_printf("GNT READY %ld %ld %u %lu\n", rw, ro, port, (unsigned long)GFN(secret));
	wait_events(1);
	conf_check("gp.flags_while_mapped", t[rw].flags);
	conf_check("gp.ro_flags_while_mapped", t[ro].flags);
	conf_check("gp.end_access_while_mapped", pvabi_gnttab_end_access((grant_ref_t)rw));
	conf_check("gp.sees_reply", ((volatile uint8_t *)shared_rw)[0] == 'R' &&
				    ((volatile uint8_t *)shared_rw)[4095] == 'Z');
	conf_check("gp.ro_page_unchanged", ((volatile uint8_t *)shared_ro)[0] == 0x33);
	conf_check("gp.other_unused", t[other].flags);
	if (die) {
		pvabi_printf("GNT DYING\n");
		((volatile uint8_t *)shared_rw)[1] = 'D';
		conf_done();
		return; /* powers off with the pages still mapped by the peer */
	}
	pvabi_evtchn_send(port);
	wait_events(2);
	conf_check("gp.flags_after_unmap", t[rw].flags);
	conf_check("gp.end_access", pvabi_gnttab_end_access((grant_ref_t)rw));
	conf_check("gp.end_access_ro", pvabi_gnttab_end_access((grant_ref_t)ro));
	pvabi_evtchn_send(port);
	/* Stay alive until the peer has tried its map after end_access: a
	 * granter that is already gone would answer bad_domain instead. */
	wait_events(3);
	conf_done();
}

/* What a domain cannot do without a grant (SPEC.md §14.8). */
static void isolation(domid_t peer, long other_ref, uint64_t gfn)
{
	struct gnttab_copy c = { .len = 16 };
	struct xen_add_to_physmap a = {
		.domid = DOMID_SELF, .space = XENMAPSPACE_gmfn_foreign, .idx = gfn, .gpfn = GFN(own)
	};

	conf_check("iso.map_ref_granted_to_other", raw_map(peer, (grant_ref_t)other_ref, own, GNTMAP_host_map));
	conf_check("iso.map_ref_never_granted", raw_map(peer, 300, own, GNTMAP_host_map));
	conf_check("iso.map_ref_reserved", raw_map(peer, 0, own, GNTMAP_host_map));
	c.source.u.gmfn = gfn;
	c.source.domid = peer;
	c.dest.u.gmfn = GFN(own);
	c.dest.domid = DOMID_SELF;
	pvabi_gnttab_copy(&c, 1);
	conf_check("iso.copy_from_foreign_gfn", c.status);
	c = (struct gnttab_copy){ .len = 16, .flags = GNTCOPY_source_gref };
	c.source.u.ref = (grant_ref_t)other_ref;
	c.source.domid = peer;
	c.dest.u.gmfn = GFN(own);
	c.dest.domid = DOMID_SELF;
	pvabi_gnttab_copy(&c, 1);
	conf_check("iso.copy_ref_granted_to_other", c.status);
	c = (struct gnttab_copy){ .len = 16 };
	c.source.u.gmfn = GFN(own);
	c.source.domid = DOMID_SELF;
	c.dest.u.gmfn = gfn;
	c.dest.domid = peer;
	pvabi_gnttab_copy(&c, 1);
	conf_check("iso.copy_to_foreign_gfn", c.status);
	conf_check("iso.add_to_physmap_foreign", pvabi_memory_op(XENMEM_add_to_physmap, &a));
	a.space = XENMAPSPACE_gmfn;
	conf_check("iso.add_to_physmap_gmfn", pvabi_memory_op(XENMEM_add_to_physmap, &a));
	conf_check("iso.own_page_untouched", ((volatile uint8_t *)own)[0]);
}

static void tick(evtchn_port_t port, void *arg)
{
	(void)port;
	(void)arg;
}

/* Polls the channel's status every 2 ms (a VIRQ_TIMER wakes the hlt). */
static void wait_unbound(evtchn_port_t port)
{
	struct evtchn_status st;
	evtchn_port_t timer;

	if (pvabi_evtchn_bind_virq(VIRQ_TIMER, 0, &timer))
		pvabi_panic("grant-pair: no timer");
	pvabi_evtchn_bind_handler(timer, tick, 0);

	for (;;) {
		st = (struct evtchn_status){ .dom = DOMID_SELF, .port = port };
		if (pvabi_evtchn_status(&st) || st.status != EVTCHNSTAT_interdomain)
			return;
		pvabi_singleshot_timer(pvabi_time_ns() + 2000000, 0);
		__asm__ volatile("sti; hlt; cli" : : : "memory");
	}
}

static void mapper(domid_t peer, const char *cmdline)
{
	long rw = pvabi_cmdline_num(cmdline, "rw", -1), ro = pvabi_cmdline_num(cmdline, "ro", -1);
	long rport = pvabi_cmdline_num(cmdline, "port", -1);
	uint64_t gfn = (uint64_t)pvabi_cmdline_num(cmdline, "gfn", 0);
	grant_handle_t hrw = 0, hro = 0, h2 = 0;
	evtchn_port_t port = 0;
	int die = pvabi_cmdline_has(cmdline, "die");
	volatile uint8_t *m = map_rw;

	if (rw < 0 || ro < 0 || rport < 0)
		pvabi_panic("grant-pair: need rw= ro= port=");
	conf_check("gm.bind", pvabi_evtchn_bind_interdomain(peer, (evtchn_port_t)rport, &port));
	/* Binding raises the new port once (as Xen): not one of the steps. */
	__atomic_fetch_and(&pvabi_shared_info()->evtchn_pending[port / 64], ~(1ull << (port % 64)),
			   __ATOMIC_SEQ_CST);
	pvabi_evtchn_bind_handler(port, on_event, 0);
	isolation(peer, ro + 1, gfn);
	conf_check("gm.map_ro_for_write", raw_map(peer, (grant_ref_t)ro, map_ro, GNTMAP_host_map));
	conf_check("gm.map_rw", pvabi_gnttab_map(peer, (grant_ref_t)rw, (uintptr_t)map_rw, 0, &hrw));
	conf_check("gm.map_ro", pvabi_gnttab_map(peer, (grant_ref_t)ro, (uintptr_t)map_ro, 1, &hro));
	conf_check("gm.sees_pattern", m[0] == 0xA5 && m[4095] == (uint8_t)(4095 ^ 0xA5));
	conf_check("gm.sees_ro_pattern", ((volatile uint8_t *)map_ro)[1] == 0x34);
	m[0] = 'R';
	m[4095] = 'Z';
	pvabi_evtchn_send(port);
	if (die) {
		wait_unbound(port);
		conf_check("gm.mapping_survives_granter", m[1] == 'D' && m[0] == 'R');
		conf_check("gm.unmap_after_granter_died", pvabi_gnttab_unmap((uintptr_t)map_rw, hrw));
		conf_check("gm.unmap_ro_after_granter_died", pvabi_gnttab_unmap((uintptr_t)map_ro, hro));
		conf_check("gm.map_after_granter_died", raw_map(peer, (grant_ref_t)rw, map_rw, GNTMAP_host_map));
		conf_check("gm.own_page_back", m[0]);
		conf_done();
		return;
	}
	wait_events(1);
	/* A second mapping of the same grant elsewhere is fine. */
	conf_check("gm.map_twice", pvabi_gnttab_map(peer, (grant_ref_t)rw, (uintptr_t)own, 0, &h2));
	conf_check("gm.second_view", ((volatile uint8_t *)own)[0] == 'R');
	conf_check("gm.unmap_second", pvabi_gnttab_unmap((uintptr_t)own, h2));
	conf_check("gm.unmap_rw", pvabi_gnttab_unmap((uintptr_t)map_rw, hrw));
	conf_check("gm.unmap_ro", pvabi_gnttab_unmap((uintptr_t)map_ro, hro));
	conf_check("gm.unmap_twice", pvabi_gnttab_unmap((uintptr_t)map_rw, hrw));
	pvabi_evtchn_send(port);
	wait_events(2);
	conf_check("gm.map_after_end_access", raw_map(peer, (grant_ref_t)rw, map_rw, GNTMAP_host_map));
	pvabi_evtchn_send(port);
	conf_done();
}

void pvabi_kernel_main(const struct pvabi_boot *boot)
{
	long peer = pvabi_cmdline_num(boot->cmdline, "peer", -1);

	/* peer=0: the granter shares with dom0 (the control socket). */
	if (peer < 0 || peer >= DOMID_FIRST_RESERVED)
		pvabi_panic("grant-pair: need peer=<domid>");
	conf_init();
	if (pvabi_events_init(VECTOR))
		pvabi_panic("grant-pair: no events");
	if (pvabi_cmdline_has(boot->cmdline, "role=granter"))
		granter((domid_t)peer, pvabi_cmdline_has(boot->cmdline, "die"));
	else if (pvabi_cmdline_has(boot->cmdline, "role=mapper"))
		mapper((domid_t)peer, boot->cmdline);
	else
		pvabi_panic("grant-pair: role=granter or role=mapper");
}
