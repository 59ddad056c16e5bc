/* multicall.c: a batch mixing hypercalls, bad entries, nesting, bad
 * arrays and counts. */
#include "memory.h"

static struct multicall_entry calls[8];
static domid_t self = DOMID_SELF;
static const char text[] = "multicall: console entry\n";

static void entry(unsigned i, unsigned long op, unsigned long a0, unsigned long a1,
		  unsigned long a2)
{
	calls[i] = (struct multicall_entry){ .op = op, .result = 0xbad,
					     .args = { a0, a1, a2, 0, 0, 0 } };
}

static void check_batch(void)
{
	entry(0, HYPERCALL_xen_version, XENVER_version, 0, 0);
	entry(1, HYPERCALL_memory_op, XENMEM_current_reservation, (unsigned long)&self, 0);
	entry(2, HYPERCALL_console_io, CONSOLEIO_write, sizeof(text) - 1, (unsigned long)text);
	entry(3, HYPERCALL_sched_op, SCHEDOP_yield, 0, 0);
	entry(4, 0, 0, 0, 0); /* no such hypercall */
	entry(5, HYPERCALL_multicall, (unsigned long)calls, 1, 0);
	entry(6, HYPERCALL_memory_op, XENMEM_current_reservation, (unsigned long)CONF_UNMAPPED, 0);
	entry(7, 200, 0, 0, 0);
	conf_check("multicall.batch", pvabi_multicall(calls, 8));
	conf_check("multicall.result_xen_version", (long)calls[0].result);
	conf_check("multicall.result_current_reservation", (long)calls[1].result);
	conf_check("multicall.result_console_io", (long)calls[2].result);
	conf_check("multicall.result_yield", (long)calls[3].result);
	conf_check("multicall.result_no_hypercall", (long)calls[4].result);
	conf_check("multicall.result_nested", (long)calls[5].result);
	conf_check("multicall.result_bad_argument", (long)calls[6].result);
	conf_check("multicall.result_op_200", (long)calls[7].result);
}

static void check_arrays(void)
{
	/* The last entry of the read-write window page, then one in the
	 * read-only page: the first runs, the second's result cannot be
	 * stored. */
	struct multicall_entry *rw_last = (struct multicall_entry *)(CONF_WIN_RO) - 1;

	conf_check("multicall.zero_entries", pvabi_multicall(CONF_UNMAPPED, 0));
	conf_check("multicall.bad_array", pvabi_multicall(CONF_UNMAPPED, 1));
	conf_check("multicall.too_many", pvabi_multicall(calls, PVABI_MULTICALL_MAX + 1));
	*rw_last = (struct multicall_entry){ .op = HYPERCALL_xen_version,
					     .args = { XENVER_version } };
	conf_check("multicall.readonly_second_entry", pvabi_multicall(rw_last, 2));
	conf_check("multicall.first_result_stored", (long)rw_last->result);
	conf_check("multicall.crosses_into_absent",
		   pvabi_multicall((struct multicall_entry *)(CONF_WIN_ABSENT - 32), 1));
	entry(0, HYPERCALL_xen_version, XENVER_version, 0, 0);
	/* nr is 32 bits: the upper half of RSI is ignored. */
	conf_check("multicall.nr_upper_bits",
		   pvabi_hypercall2(HYPERCALL_multicall, (unsigned long)calls, (1ul << 32) | 1));
	conf_check("multicall.nr_upper_bits_result", (long)calls[0].result);
}

void conf_multicall(void)
{
	check_batch();
	check_arrays();
}
