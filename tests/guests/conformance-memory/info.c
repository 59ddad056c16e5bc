/* info.c: the memory_op sub-ops that report: reservations, limits, the
 * memory map, and the ones Hospes refuses. */
#include "memory.h"

static void check_domid_ops(void)
{
	domid_t self = DOMID_SELF, own = 1, other = 2, dom0 = 0, io = 0x7ff1;

	conf_check("memory.current_reservation", mem_op(XENMEM_current_reservation, &self));
	conf_check("memory.current_reservation_own_id", mem_op(XENMEM_current_reservation, &own));
	conf_check("memory.current_reservation_other", mem_op(XENMEM_current_reservation, &other));
	conf_check("memory.current_reservation_dom0", mem_op(XENMEM_current_reservation, &dom0));
	conf_check("memory.current_reservation_domid_io", mem_op(XENMEM_current_reservation, &io));
	conf_check("memory.current_reservation_bad_ptr",
		   mem_op(XENMEM_current_reservation, CONF_UNMAPPED));
	conf_check("memory.current_reservation_continuation",
		   mem_op(XENMEM_current_reservation | (1u << MEMOP_EXTENT_SHIFT), &self));
	conf_check("memory.maximum_reservation", mem_op(XENMEM_maximum_reservation, &self));
	conf_check("memory.maximum_reservation_other", mem_op(XENMEM_maximum_reservation, &other));
	conf_check("memory.maximum_gpfn", mem_op(XENMEM_maximum_gpfn, &self));
	conf_check("memory.maximum_gpfn_bad_ptr", mem_op(XENMEM_maximum_gpfn, CONF_UNMAPPED));
	conf_check("memory.maximum_ram_page", mem_op(XENMEM_maximum_ram_page, NULL));
}

static void check_memory_map(void)
{
	struct xen_e820_entry e[4];
	struct xen_memory_map map = { .nr_entries = 4, .buffer = e };

	for (int i = 0; i < 4; i++)
		e[i] = (struct xen_e820_entry){ 0xdead, 0xdead, 0xdead };
	conf_check("memory.memory_map", mem_op(XENMEM_memory_map, &map));
	conf_check("memory.memory_map_entries", map.nr_entries);
	conf_check_hex("memory.memory_map_0_addr", e[0].addr);
	conf_check_hex("memory.memory_map_0_size", e[0].size);
	conf_check("memory.memory_map_0_type", e[0].type);
	conf_check_hex("memory.memory_map_1_untouched", e[1].addr);
	map = (struct xen_memory_map){ .nr_entries = 0, .buffer = e };
	conf_check("memory.memory_map_no_room", mem_op(XENMEM_memory_map, &map));
	conf_check("memory.memory_map_no_room_entries", map.nr_entries);
	conf_check("memory.memory_map_bad_arg", mem_op(XENMEM_memory_map, CONF_UNMAPPED));
	map = (struct xen_memory_map){ .nr_entries = 1, .buffer = CONF_UNMAPPED };
	conf_check("memory.memory_map_bad_buffer", mem_op(XENMEM_memory_map, &map));
	map = (struct xen_memory_map){ .nr_entries = 1, .buffer = (void *)CONF_WIN_RO };
	conf_check("memory.memory_map_readonly_buffer", mem_op(XENMEM_memory_map, &map));
}

static void check_refused(void)
{
	conf_check("memory.machphys_mapping", mem_op(XENMEM_machphys_mapping, NULL));
	conf_check("memory.machphys_mfn_list", mem_op(XENMEM_machphys_mfn_list, NULL));
	conf_check("memory.machine_memory_map", mem_op(XENMEM_machine_memory_map, NULL));
	conf_check("memory.exchange", mem_op(XENMEM_exchange, NULL));
	conf_check("memory.set_memory_map", mem_op(XENMEM_set_memory_map, NULL));
	conf_check("memory.claim_pages", mem_op(XENMEM_claim_pages, NULL));
	conf_check("memory.op_63", mem_op(63, NULL));
}

void conf_memory_info(void)
{
	check_domid_ops();
	check_memory_map();
	check_refused();
}
