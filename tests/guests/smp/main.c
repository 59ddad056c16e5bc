/* smp: brings up every vCPU of the domain (run with --vcpus 1..8). Each AP
 * adds its id to a shared sum, bumps a shared counter and reports itself
 * on the console, then goes down; vCPU 1 is brought up again and resumes
 * after its down call. Also checks vcpu_op's error cases. Prints CHECK
 * lines (expected values: tests/integration/test_smp.c), then takes the
 * last online vCPU down, which powers the domain off. */
#include "conf.h"

#define STACK_SIZE 8192
/* Bound on yield rounds while waiting for the APs: only a hang detector. */
#define WAIT_ROUNDS 2000000u

static uint8_t stacks[PVABI_MAX_VCPUS][STACK_SIZE] __attribute__((aligned(16)));
static volatile unsigned int started, id_sum, resumed, bad_ids;

static void ap_main(void *arg)
{
	unsigned int id = pvabi_cpu_id();

	if (id != (unsigned int)(uintptr_t)arg)
		__atomic_fetch_add(&bad_ids, 1, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&id_sum, id, __ATOMIC_SEQ_CST);
	pvabi_printf("smp: vCPU %u up\n", id);
	__atomic_fetch_add(&started, 1, __ATOMIC_SEQ_CST);
	if (id != 1)
		return;
	/* Down; runs on from here only after the BSP's second VCPUOP_up. */
	pvabi_vcpu_op(VCPUOP_down, id, NULL);
	pvabi_printf("smp: vCPU %u resumed\n", id);
	__atomic_fetch_add(&resumed, 1, __ATOMIC_SEQ_CST);
}

/* No event can wake us yet: yield the host CPU while the APs run. */
static int wait_for(volatile unsigned int *v, unsigned int want)
{
	for (unsigned int i = 0; i < WAIT_ROUNDS; i++) {
		if (__atomic_load_n(v, __ATOMIC_SEQ_CST) >= want)
			return 1;
		pvabi_sched_op(SCHEDOP_yield, NULL);
	}
	return 0;
}

static int wait_down(unsigned int id)
{
	for (unsigned int i = 0; i < WAIT_ROUNDS; i++) {
		if (pvabi_vcpu_op(VCPUOP_is_up, id, NULL) == 0)
			return 1;
		pvabi_sched_op(SCHEDOP_yield, NULL);
	}
	return 0;
}

static long init_with(unsigned int id, const struct vcpu_hvm_context *c)
{
	return pvabi_vcpu_op(VCPUOP_initialise, id, (void *)c);
}

/* Error cases, before any AP starts. n = vCPU count. */
static void check_errors(unsigned int n)
{
	static struct vcpu_hvm_context c;

	conf_check("vcpu_op.unknown", pvabi_vcpu_op(99, 0, NULL));
	conf_check("vcpu_op.is_up_self", pvabi_vcpu_op(VCPUOP_is_up, 0, NULL));
	conf_check("vcpu_op.is_up_out_of_range", pvabi_vcpu_op(VCPUOP_is_up, n, NULL));
	conf_check("vcpu_op.is_up_huge_id", pvabi_vcpu_op(VCPUOP_is_up, 0xffffffffu, NULL));
	conf_check("vcpu_op.up_out_of_range", pvabi_vcpu_op(VCPUOP_up, n, NULL));
	conf_check("vcpu_op.down_out_of_range", pvabi_vcpu_op(VCPUOP_down, n, NULL));
	conf_check("vcpu_op.initialise_out_of_range", init_with(n, &c));
	conf_check("vcpu_op.initialise_self", init_with(0, &c));
	conf_check("vcpu_op.up_self", pvabi_vcpu_op(VCPUOP_up, 0, NULL));
	if (n < 2)
		return;
	conf_check("vcpu_op.ap_is_up_before", pvabi_vcpu_op(VCPUOP_is_up, 1, NULL));
	conf_check("vcpu_op.up_uninitialised", pvabi_vcpu_op(VCPUOP_up, 1, NULL));
	conf_check("vcpu_op.initialise_bad_pointer", init_with(1, CONF_UNMAPPED));
	c = (struct vcpu_hvm_context){ .mode = 7 };
	conf_check("vcpu_op.initialise_bad_mode", init_with(1, &c));
	c = (struct vcpu_hvm_context){ .mode = VCPU_HVM_MODE_64B };
	c.cpu_regs.x86_64.cr0 = 0x80000011; /* PG without long mode */
	conf_check("vcpu_op.initialise_64_no_lme", init_with(1, &c));
	c.cpu_regs.x86_64 = (struct vcpu_hvm_x86_64){ .cr0 = 0x80010033, .cr4 = 0x20,
						     .efer = 0x500, .cr3 = 0x7ffff000000,
						     .rflags = 2 };
	conf_check("vcpu_op.initialise_64_cr3_outside_ram", init_with(1, &c));
	c.cpu_regs.x86_64.cr3 = pvabi_read_cr3();
	c.cpu_regs.x86_64.rip = 0x0000800000000000ull;
	conf_check("vcpu_op.initialise_64_noncanonical_rip", init_with(1, &c));
	c = (struct vcpu_hvm_context){ .mode = VCPU_HVM_MODE_32B };
	c.cpu_regs.x86_32.cr0 = 0x11;
	c.cpu_regs.x86_32.cs_ar = 0xc93; /* data, not code */
	c.cpu_regs.x86_32.cs_limit = c.cpu_regs.x86_32.ss_limit = 0xffffffff;
	c.cpu_regs.x86_32.ss_ar = 0xc93;
	conf_check("vcpu_op.initialise_32_data_cs", init_with(1, &c));
	c.cpu_regs.x86_32.cs_ar = 0xc9b;
	c.cpu_regs.x86_32.ss_ar = 0xc13; /* not present */
	conf_check("vcpu_op.initialise_32_absent_ss", init_with(1, &c));
	conf_check("vcpu_op.ap_is_up_after_errors", pvabi_vcpu_op(VCPUOP_is_up, 1, NULL));
}

static void start_all(unsigned int n)
{
	long first_err = 0;

	for (unsigned int id = 1; id < n; id++) {
		int r = pvabi_vcpu_start(id, ap_main, (void *)(uintptr_t)id, stacks[id] + STACK_SIZE);

		if (r && !first_err)
			first_err = r;
	}
	conf_check("smp.start_result", first_err);
	conf_check("smp.all_reported", wait_for(&started, n - 1));
	conf_check("smp.counter", started);
	conf_check("smp.id_sum", id_sum);
	conf_check("smp.bad_ids", bad_ids);
	if (n < 2)
		return;
	conf_check("vcpu_op.initialise_twice", pvabi_vcpu_start(1, ap_main, 0, stacks[1] + STACK_SIZE));
	conf_check("vcpu_op.ap_went_down", wait_down(1));
	conf_check("vcpu_op.up_again", pvabi_vcpu_op(VCPUOP_up, 1, NULL));
	conf_check("vcpu_op.resumed", wait_for(&resumed, 1));
	conf_check("vcpu_op.ap_down_at_end", wait_down(1));
}

void pvabi_kernel_main(const struct pvabi_boot *boot)
{
	unsigned int n;

	(void)boot;
	conf_init();
	n = pvabi_vcpu_count();
	conf_check("smp.vcpus", n);
	conf_check("smp.bsp_id", pvabi_cpu_id());
	check_errors(n);
	start_all(n);
	conf_check("smp.bsp_id_after", pvabi_cpu_id());
	conf_done();
	/* Xen: taking the last online vCPU down powers the domain off. */
	for (unsigned int id = 1; id < n; id++)
		wait_down(id);
	pvabi_vcpu_op(VCPUOP_down, 0, NULL);
	pvabi_panic("smp: still running after the last vCPU went down");
}
