/* test_hypercalls.c: every hypercall sub-op through hc_dispatch with a fake
 * vCPU (paging off, GVA = GPA) and no KVM; plus the hypercall page. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <pvabi/console_io.h>
#include <pvabi/errno.h>
#include <pvabi/sched.h>
#include <pvabi/version.h>

#include "hc.h"
#include "hv_exit.h"
#include "hv_hcpage.h"

#define MEM (16ull << 20)
#define BUF 0x10000ull  /* a guest buffer */
#define BAD 0xf0000000ull /* not RAM */

static struct hv_domain dom;
static struct kvm_regs regs;
static struct kvm_sregs sregs;
static struct hv_vcpu vcpu;
static int out[2]; /* the domain console, read back by the test */

static void setup(void)
{
	cr_assert_eq(pipe2(out, O_NONBLOCK), 0);
	cr_assert_eq(hv_domain_init(&dom, 1, out[1]), 0);
	cr_assert_eq(gmem_ram_create(&dom.mem, MEM, "test-hc"), 0);
	memset(&regs, 0, sizeof(regs));
	memset(&sregs, 0, sizeof(sregs));
	sregs.cr0 = 0x11;
	vcpu = (struct hv_vcpu){ .dom = &dom, .regs = &regs, .sregs = &sregs, .fd = -1 };
}

static void teardown(void)
{
	hv_domain_fini(&dom);
	close(out[0]);
	close(out[1]);
}

TestSuite(hc, .init = setup, .fini = teardown);

static int64_t call(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
	regs.rax = nr, regs.rdi = a1, regs.rsi = a2, regs.rdx = a3;
	return hc_dispatch(&vcpu);
}

static void *g(uint64_t gpa)
{
	return dom.mem.base + gpa;
}

Test(hc, table_rows_and_dispatch_errors)
{
	for (unsigned i = 0; i < HC_TABLE_SIZE; i++)
		if (hc_table[i].fn)
			cr_assert_eq(hc_table[i].nr, i, "row %u holds %s", i, hc_table[i].name);
	cr_assert_str_eq(hc_table[HYPERCALL_sched_op].name, "sched_op");
	cr_assert_eq(call(0, 0, 0, 0), -XEN_ENOSYS, "no handler");
	cr_assert_eq(call(HYPERCALL_iret, 0, 0, 0), -XEN_ENOSYS);
	cr_assert_eq(call(HC_TABLE_SIZE, 0, 0, 0), -XEN_ENOSYS);
	cr_assert_eq(call(1ull << 40, 0, 0, 0), -XEN_ENOSYS);
	sregs.ss.dpl = 3;
	cr_assert_eq(call(HYPERCALL_xen_version, XENVER_version, 0, 0), -XEN_EPERM, "CPL 3");
}

Test(hc, xen_version_numbers)
{
	cr_assert_eq(call(HYPERCALL_xen_version, XENVER_version, 0, 0), 0x00040011);
	cr_assert_eq(call(HYPERCALL_xen_version, XENVER_pagesize, 0, 0), 4096);
	cr_assert_eq(call(HYPERCALL_xen_version, XENVER_commandline, BUF, 0), -XEN_EPERM);
	cr_assert_eq(call(HYPERCALL_xen_version, XENVER_build_id, BUF, 0), -XEN_EPERM);
	cr_assert_eq(call(HYPERCALL_xen_version, 11, BUF, 0), -XEN_ENOSYS);
}

Test(hc, xen_version_strings)
{
	memset(g(BUF), 0xff, 2048);
	cr_assert_eq(call(HYPERCALL_xen_version, XENVER_extraversion, BUF, 0), 0);
	cr_assert_str_eq(g(BUF), ".0-hospes");
	cr_assert_eq(((char *)g(BUF))[15], 0, "NUL padded to 16");
	cr_assert_eq((uint8_t)((char *)g(BUF))[16], 0xff, "exactly 16 bytes");
	cr_assert_eq(call(HYPERCALL_xen_version, XENVER_capabilities, BUF, 0), 0);
	cr_assert_str_eq(g(BUF), "hvm-3.0-x86_64");
	cr_assert_eq(((char *)g(BUF))[1023], 0);
	cr_assert_eq(call(HYPERCALL_xen_version, XENVER_changeset, BUF, 0), 0);
	cr_assert_gt(strlen(g(BUF)), 0);
	cr_assert_lt(strlen(g(BUF)), 64);

	struct xen_compile_info *ci = g(BUF);
	cr_assert_eq(call(HYPERCALL_xen_version, XENVER_compile_info, BUF, 0), 0);
	cr_assert(strstr(ci->compiler, "gcc") || strlen(ci->compiler) > 0);
	cr_assert_str_eq(ci->compile_by, "hospes");
	cr_assert_str_eq(ci->compile_domain, "");
	cr_assert_str_eq(ci->compile_date, __DATE__);

	for (unsigned op = XENVER_extraversion; op <= XENVER_guest_handle; op++)
		if (op != XENVER_pagesize)
			cr_assert_eq(call(HYPERCALL_xen_version, op, BAD, 0), -XEN_EFAULT, "op %u", op);
}

Test(hc, xen_version_parameters_features_handle)
{
	cr_assert_eq(call(HYPERCALL_xen_version, XENVER_platform_parameters, BUF, 0), 0);
	cr_assert_eq(*(uint64_t *)g(BUF), XEN_HYPERVISOR_VIRT_START);

	struct xen_feature_info *fi = g(BUF);
	*fi = (struct xen_feature_info){ .submap_idx = 0, .submap = 0xdead };
	cr_assert_eq(call(HYPERCALL_xen_version, XENVER_get_features, BUF, 0), 0);
	cr_assert_eq(fi->submap, 0x10305); /* + hvm_callback_vector, hvm_safe_pvclock */
	*fi = (struct xen_feature_info){ .submap_idx = 1 };
	cr_assert_eq(call(HYPERCALL_xen_version, XENVER_get_features, BUF, 0), -XEN_EINVAL);

	cr_assert_eq(call(HYPERCALL_xen_version, XENVER_guest_handle, BUF, 0), 0);
	cr_assert_arr_eq(g(BUF), dom.uuid, 16);
	static const uint8_t zero[16];
	cr_assert_arr_neq(dom.uuid, zero, 16, "random UUID");
}

static size_t console_read(char *buf, size_t len)
{
	ssize_t n = read(out[0], buf, len);
	return n < 0 ? 0 : (size_t)n;
}

Test(hc, console_io)
{
	char buf[4096];

	memcpy(g(BUF), "hello, console", 14);
	cr_assert_eq(call(HYPERCALL_console_io, CONSOLEIO_write, 14, BUF), 0);
	cr_assert_eq(console_read(buf, sizeof(buf)), 14);
	cr_assert_eq(memcmp(buf, "hello, console", 14), 0);
	cr_assert_eq(call(HYPERCALL_console_io, CONSOLEIO_write, (1ull << 32) | 5, BUF), 0,
		     "count is 32-bit");
	cr_assert_eq(console_read(buf, sizeof(buf)), 5);
	cr_assert_eq(call(HYPERCALL_console_io, CONSOLEIO_write, 0, BAD), 0, "count 0");
	cr_assert_eq(call(HYPERCALL_console_io, CONSOLEIO_write, 4, BAD), -XEN_EFAULT);
	/* A buffer running off the end of RAM: the chunks before the fault
	 * are written, then -EFAULT. */
	cr_assert_eq(call(HYPERCALL_console_io, CONSOLEIO_write, 1024, MEM - 512), -XEN_EFAULT);
	cr_assert_eq(console_read(buf, sizeof(buf)), 512);
	cr_assert_eq(call(HYPERCALL_console_io, CONSOLEIO_read, 10, BUF), 0);
	cr_assert_eq(call(HYPERCALL_console_io, 2, 10, BUF), -XEN_ENOSYS);
}

Test(hc, console_port_line_buffer)
{
	char buf[512];

	hv_console_putc(&dom.console, 'a');
	hv_console_putc(&dom.console, 'b');
	cr_assert_eq(console_read(buf, sizeof(buf)), 0, "no newline yet");
	hv_console_putc(&dom.console, '\n');
	cr_assert_eq(console_read(buf, sizeof(buf)), 3);
	for (int i = 0; i < HV_CONSOLE_LINE; i++)
		hv_console_putc(&dom.console, 'x');
	cr_assert_eq(console_read(buf, sizeof(buf)), HV_CONSOLE_LINE, "full line flushed");
	hv_console_putc(&dom.console, 'y');
	hv_console_flush(&dom.console);
	cr_assert_eq(console_read(buf, sizeof(buf)), 1);
}

Test(hc, sched_simple_ops)
{
	cr_assert_eq(call(HYPERCALL_sched_op, SCHEDOP_yield, 0, 0), 0);
	/* SCHEDOP_block sleeps until an event: test_time.c */
	cr_assert_eq(call(HYPERCALL_sched_op, SCHEDOP_remote_shutdown, BUF, 0), -XEN_EPERM);
	cr_assert_eq(call(HYPERCALL_sched_op, SCHEDOP_pin_override, BUF, 0), -XEN_EPERM);
	cr_assert_eq(call(HYPERCALL_sched_op, SCHEDOP_watchdog, BUF, 0), -XEN_ENOSYS);
	cr_assert_eq(call(HYPERCALL_sched_op, 99, BUF, 0), -XEN_ENOSYS);
}

Test(hc, sched_shutdown_and_code)
{
	uint32_t *reason = g(BUF);

	*reason = SHUTDOWN_MAX + 1;
	cr_assert_eq(call(HYPERCALL_sched_op, SCHEDOP_shutdown, BUF, 0), -XEN_EINVAL);
	cr_assert_eq(call(HYPERCALL_sched_op, SCHEDOP_shutdown_code, BUF, 0), -XEN_EINVAL);
	cr_assert_eq(call(HYPERCALL_sched_op, SCHEDOP_shutdown, BAD, 0), -XEN_EFAULT);
	cr_assert_eq(call(HYPERCALL_sched_op, SCHEDOP_shutdown_code, BAD, 0), -XEN_EFAULT);
	cr_assert_not(vcpu.stop);
	*reason = SHUTDOWN_reboot;
	cr_assert_eq(call(HYPERCALL_sched_op, SCHEDOP_shutdown_code, BUF, 0), 0);
	cr_assert_not(vcpu.stop, "shutdown_code only records");
	cr_assert_eq(dom.state, HV_DOM_RUNNING);
	*reason = SHUTDOWN_poweroff;
	call(HYPERCALL_sched_op, SCHEDOP_shutdown, BUF, 0);
	cr_assert(vcpu.stop);
	cr_assert_eq(dom.state, HV_DOM_SHUTDOWN);
	cr_assert_eq(dom.shutdown_reason, SHUTDOWN_reboot, "recorded code wins");
	cr_assert_eq(hv_domain_exit_status(&dom), HV_EXIT_REBOOT);
}

Test(hc, shutdown_reasons_map_to_exit_status)
{
	static const int want[] = { HV_EXIT_POWEROFF, HV_EXIT_REBOOT,   HV_EXIT_SUSPEND,
				    HV_EXIT_CRASH,    HV_EXIT_WATCHDOG, HV_EXIT_SOFT_RESET };
	for (int r = 0; r <= SHUTDOWN_MAX; r++) {
		dom.state = HV_DOM_RUNNING;
		hv_domain_shutdown(&dom, r);
		cr_assert_eq(hv_domain_exit_status(&dom), want[r], "reason %d", r);
	}
	dom.state = HV_DOM_RUNNING;
	hv_domain_fault(&dom, "test fault");
	cr_assert_eq(hv_domain_exit_status(&dom), HV_EXIT_FAULT);
	dom.state = HV_DOM_RUNNING;
	hv_domain_destroy(&dom, "test");
	cr_assert_eq(hv_domain_exit_status(&dom), HV_EXIT_DESTROYED);
}

Test(hc, sched_poll)
{
	struct sched_poll *p = g(BUF);

	cr_assert_eq(call(HYPERCALL_sched_op, SCHEDOP_poll, BAD, 0), -XEN_EFAULT);
	*p = (struct sched_poll){ .ports = BUF + 64, .nr_ports = 129 };
	cr_assert_eq(call(HYPERCALL_sched_op, SCHEDOP_poll, BUF, 0), -XEN_EINVAL);
	*p = (struct sched_poll){ .ports = BAD, .nr_ports = 2 };
	cr_assert_eq(call(HYPERCALL_sched_op, SCHEDOP_poll, BUF, 0), -XEN_EFAULT);
	*p = (struct sched_poll){ .ports = BUF + 64, .nr_ports = 1 };
	cr_assert_eq(call(HYPERCALL_sched_op, SCHEDOP_poll, BUF, 0), -XEN_EINVAL, "unbound port");
	*p = (struct sched_poll){ .ports = BAD, .nr_ports = 0, .timeout = 1 };
	cr_assert_eq(call(HYPERCALL_sched_op, SCHEDOP_poll, BUF, 0), 0, "timeout-only poll");
}

Test(hc, hypercall_page)
{
	cr_assert_eq(hv_hcpage_install(&dom, 0x5001), -EINVAL, "page index 1");
	cr_assert_eq(hv_hcpage_install(&dom, MEM), -EFAULT, "not RAM");
	cr_assert_eq(hv_hcpage_install(&dom, 0x5000), 0);
	const uint8_t *pg = g(0x5000);
	static const uint8_t stub17[] = { 0xb8, 17, 0, 0, 0, 0xe7, 0xec, 0xc3 };
	cr_assert_arr_eq(pg + 17 * 32, stub17, sizeof(stub17));
	cr_assert_eq(pg[17 * 32 + 8], 0xcc);
	cr_assert_eq(pg[23 * 32], 0x0f);
	cr_assert_eq(pg[23 * 32 + 1], 0x0b);
	cr_assert_eq(pg[23 * 32 + 2], 0xcc);
	cr_assert_eq(pg[127 * 32 + 1], 127);
	cr_assert_eq(pg[4095], 0xcc);
}
