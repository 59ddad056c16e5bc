/* reservation.c: decrease_reservation, populate_physmap and
 * increase_reservation with good and bad arguments. Every failure is a
 * short extent count, as on Xen. */
#include "memory.h"

static uint64_t list[8];

static long current(void)
{
	return pvabi_memory_pages(XENMEM_current_reservation);
}

static void check_bad_requests(void)
{
	struct xen_memory_reservation r = { .extent_start = list, .nr_extents = 1,
					    .domid = DOMID_SELF };

	list[0] = SMALL_GFN;
	conf_check("memory.decrease_nr_0", mem_res(XENMEM_decrease_reservation, list, 0, 0, 0));
	conf_check("memory.decrease_bad_list",
		   mem_res(XENMEM_decrease_reservation, CONF_UNMAPPED, 4, 0, 0));
	conf_check("memory.decrease_bad_arg", mem_op(XENMEM_decrease_reservation, CONF_UNMAPPED));
	conf_check("memory.decrease_order_10", mem_res(XENMEM_decrease_reservation, list, 1, 10, 0));
	conf_check("memory.decrease_address_bits_12",
		   mem_res(XENMEM_decrease_reservation, list, 1, 0, XENMEMF_address_bits(12)));
	conf_check("memory.decrease_too_many",
		   mem_res(XENMEM_decrease_reservation, list, 1ul << 26, 0, 0));
	r.domid = 2;
	conf_check("memory.decrease_other_domain", mem_res_call(XENMEM_decrease_reservation, &r));
	r.domid = 0;
	conf_check("memory.decrease_dom0", mem_res_call(XENMEM_decrease_reservation, &r));
	list[0] = NOT_RAM_GFN;
	conf_check("memory.decrease_not_ram", mem_res(XENMEM_decrease_reservation, list, 1, 0, 0));
	list[0] = 0x3fff; /* the last frame of RAM: an order-9 extent runs past it */
	conf_check("memory.decrease_past_ram", mem_res(XENMEM_decrease_reservation, list, 1, 9, 0));
	list[0] = SMALL_GFN;
	conf_check("memory.populate_present", mem_res(XENMEM_populate_physmap, list, 1, 0, 0));
	conf_check("memory.current_unchanged", current());
}

static void check_give_back(void)
{
	struct xen_memory_reservation r = { .extent_start = list, .nr_extents = 1, .domid = 1 };
	long before = current();

	list[0] = SMALL_GFN;
	conf_check("memory.decrease_own_id", mem_res_call(XENMEM_decrease_reservation, &r));
	list[0] = SMALL_GFN + 1, list[1] = SMALL_GFN + 2, list[2] = NOT_RAM_GFN;
	list[3] = SMALL_GFN + 3;
	conf_check("memory.decrease_partial", mem_res(XENMEM_decrease_reservation, list, 4, 0, 0));
	conf_check("memory.decrease_again", mem_res(XENMEM_decrease_reservation, list, 1, 0, 0));
	/* Continuation index 2: only list[2] onwards is processed. */
	list[0] = SMALL_GFN + 4, list[1] = SMALL_GFN + 5, list[2] = SMALL_GFN + 6;
	conf_check("memory.decrease_start_2",
		   mem_res(XENMEM_decrease_reservation | (2u << MEMOP_EXTENT_SHIFT), list, 3, 0, 0));
	conf_check("memory.decrease_start_past_end",
		   mem_res(XENMEM_decrease_reservation | (5u << MEMOP_EXTENT_SHIFT), list, 3, 0, 0));
	list[0] = BIG_GFN, list[1] = BIG_GFN + 512;
	conf_check("memory.decrease_order_9", mem_res(XENMEM_decrease_reservation, list, 2, 9, 0));
	conf_check("memory.current_after_decrease", before - current());
}

static void check_populate(void)
{
	list[0] = NOT_RAM_GFN;
	conf_check("memory.populate_not_ram", mem_res(XENMEM_populate_physmap, list, 1, 0, 0));
	list[0] = SMALL_GFN;
	conf_check("memory.populate_on_demand",
		   mem_res(XENMEM_populate_physmap, list, 1, 0, XENMEMF_populate_on_demand));
	conf_check("memory.populate_bad_list",
		   mem_res(XENMEM_populate_physmap, CONF_UNMAPPED, 1, 0, 0));
	list[0] = SMALL_GFN, list[1] = SMALL_GFN + 1, list[2] = SMALL_GFN + 2;
	list[3] = SMALL_GFN + 6, list[4] = SMALL_GFN + 7; /* 7 was never given back */
	conf_check("memory.populate_partial", mem_res(XENMEM_populate_physmap, list, 5, 0, 0));
	conf_check("memory.populate_zeroed", *(volatile uint64_t *)(SMALL_GFN << 12));
	list[0] = BIG_GFN, list[1] = BIG_GFN + 512;
	conf_check("memory.populate_order_9", mem_res(XENMEM_populate_physmap, list, 2, 9, 0));
	conf_check("memory.current_after_populate", current());
}

/* increase_reservation charges pages without frames: up to the host
 * budget (70M here) before the maximum (72M). */
static void check_increase(void)
{
	struct xen_memory_reservation r = { .nr_extents = 1ul << 20, .domid = DOMID_SELF };

	conf_check("memory.increase_to_budget", mem_res_call(XENMEM_increase_reservation, &r));
	conf_check("memory.increase_full", mem_res_call(XENMEM_increase_reservation, &r));
	conf_check("memory.current_after_increase", current());
	list[0] = SMALL_GFN + 8, list[1] = SMALL_GFN + 9;
	conf_check("memory.decrease_two", mem_res(XENMEM_decrease_reservation, list, 2, 0, 0));
	r.nr_extents = 1;
	conf_check("memory.increase_one", mem_res_call(XENMEM_increase_reservation, &r));
	conf_check("memory.populate_over_budget", mem_res(XENMEM_populate_physmap, list, 2, 0, 0));
	r.extent_order = 10;
	conf_check("memory.increase_order_10", mem_res_call(XENMEM_increase_reservation, &r));
}

void conf_memory_reservations(void)
{
	check_bad_requests();
	check_give_back();
	check_populate();
	check_increase();
}
