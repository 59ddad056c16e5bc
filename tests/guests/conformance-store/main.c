/* conformance-store: the xenstore ring page and port a domain gets from
 * the xenstore build flag (SPEC.md §1.4, §8.5, §13): HVM params, the
 * reserved memory-map entry, the zeroed ring, the port unbound for dom 0,
 * and that the balloon keeps the frame. Without the flag both params read
 * 0. Then writes STORE_MARKER into the ring's request area and notifies
 * the port, for a dom0 peer bound to it. Run with --mem 64M. */
#include <pvabi/xs_wire.h>

#include "conf.h"

#define STORE_MARKER "hospes-store-ring"

static long param(uint32_t index, uint64_t *value)
{
	struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index };
	long r = pvabi_hvm_op(HVMOP_get_param, &p);

	*value = p.value;
	return r;
}

/* Index of the memory-map entry covering frame pfn, or -1. */
static long entry_of(const struct pvabi_boot *b, uint64_t pfn)
{
	for (uint32_t i = 0; i < b->memmap_entries; i++) {
		const struct hvm_memmap_table_entry *e = &b->memmap[i];

		if ((pfn << 12) >= e->addr && (pfn << 12) - e->addr < e->size)
			return i;
	}
	return -1;
}

static long reserved_entries(const struct pvabi_boot *b)
{
	long n = 0;

	for (uint32_t i = 0; i < b->memmap_entries; i++)
		n += b->memmap[i].type == XEN_HVM_MEMMAP_TYPE_RESERVED;
	return n;
}

static void check_map(const struct pvabi_boot *b, uint64_t pfn)
{
	long i = entry_of(b, pfn);
	const struct hvm_memmap_table_entry *e = i >= 0 ? &b->memmap[i] : NULL;

	conf_check("store.map_entry", i);
	conf_check("store.map_type", e ? (long)e->type : -1);
	conf_check_hex("store.map_size", e ? e->size : 0);
	/* Entry 0 is the first RAM range up to the page; the page ends it. */
	conf_check("store.after_first_ram",
		   i == 1 && b->memmap[0].type == XEN_HVM_MEMMAP_TYPE_RAM &&
			   b->memmap[0].addr + b->memmap[0].size == pfn << 12);
	conf_check("store.map_reserved_entries", reserved_entries(b));
	conf_check("store.page_below_start_info", (pfn << 12) > (uintptr_t)b->start_info);
}

/* XENMEM_memory_map gives the same map as the start info. */
static void check_e820(uint64_t pfn)
{
	struct xen_e820_entry e[4] = { 0 };
	struct xen_memory_map map = { .nr_entries = 4, .buffer = e };

	conf_check("store.e820", pvabi_memory_op(XENMEM_memory_map, &map));
	conf_check("store.e820_entries", map.nr_entries);
	conf_check("store.e820_reserved",
		   e[1].addr == pfn << 12 && e[1].size == 4096 && e[1].type == XEN_E820_RESERVED &&
			   e[0].addr + e[0].size == pfn << 12 && e[0].type == XEN_E820_RAM);
}

static void check_ring(uint64_t pfn)
{
	const uint64_t *w = (const uint64_t *)(uintptr_t)(pfn << 12);
	volatile struct xenstore_domain_interface *x = (void *)(uintptr_t)(pfn << 12);
	uint64_t any = 0;

	for (unsigned i = 0; i < 512; i++)
		any |= w[i];
	conf_check("store.page_zero", any == 0);
	conf_check("store.connection", x->connection);
	conf_check("store.server_features", x->server_features);
}

static void check_port(evtchn_port_t port)
{
	struct evtchn_status st = { .dom = DOMID_SELF, .port = port };

	conf_check("store.status", pvabi_evtchn_status(&st));
	conf_check("store.status_state", st.status);
	conf_check("store.status_remote", st.u.unbound.dom);
}

void pvabi_kernel_main(const struct pvabi_boot *boot)
{
	uint64_t pfn = 77, port = 77;
	volatile struct xenstore_domain_interface *x;

	conf_init();
	conf_check("store.get_pfn", param(HVM_PARAM_STORE_PFN, &pfn));
	conf_check("store.get_evtchn", param(HVM_PARAM_STORE_EVTCHN, &port));
	conf_check_hex("store.pfn", pfn);
	conf_check("store.port_nonzero", port != 0);
	if (!pfn) {
		conf_check("store.map_reserved_entries", reserved_entries(boot));
		conf_check("store.port", (long)port);
		conf_done();
		return;
	}
	check_map(boot, pfn);
	check_e820(pfn);
	check_ring(pfn);
	check_port((evtchn_port_t)port);
	conf_check("store.balloon_keeps_page", pvabi_balloon_release(&pfn, 1, 0));
	x = (void *)(uintptr_t)(pfn << 12);
	for (unsigned i = 0; i < sizeof(STORE_MARKER); i++)
		x->req[i] = STORE_MARKER[i];
	conf_check("store.notify", pvabi_evtchn_send((evtchn_port_t)port));
	conf_done();
}
