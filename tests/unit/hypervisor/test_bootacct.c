/* test_bootacct.c: boot accounting (hv_bootacct.c) driven the way the
 * vCPU loop drives it, with console output through the real console_io
 * hypercall: the split of the time to the first console line. */
#include <criterion/criterion.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pvabi/console_io.h>
#include <pvabi/event_channel.h>

#include "evtchn.h"
#include "hc.h"
#include "hv_time.h"

static struct hv_domain dom;
static struct hv_vcpu v0, v1;
static struct kvm_regs regs;
static struct kvm_sregs sregs;
static int out[2];

static void setup(void)
{
	cr_assert_eq(pipe(out), 0);
	cr_assert_eq(hv_domain_init(&dom, 1, out[1]), 0);
	cr_assert_eq(gmem_ram_create(&dom.mem, 4 << 20, "test"), 0);
	v0 = (struct hv_vcpu){ .dom = &dom, .id = 0, .regs = &regs, .sregs = &sregs, .fd = -1 };
	v1 = (struct hv_vcpu){ .dom = &dom, .id = 1, .regs = &regs, .sregs = &sregs, .fd = -1 };
}

static void teardown(void)
{
	gmem_ram_destroy(&dom.mem);
	hv_domain_fini(&dom);
	close(out[0]);
	close(out[1]);
}

TestSuite(bootacct, .init = setup, .fini = teardown);

static void sleep_ms(long ms)
{
	struct timespec t = { 0, ms * 1000000 };

	nanosleep(&t, NULL);
}

/* console_io(CONSOLEIO_write) of a line at GPA 0x1000 (paging off). */
static void console_line(struct hv_vcpu *v)
{
	uint64_t arg[PVABI_HYPERCALL_MAX_ARGS] = { CONSOLEIO_write, 4, 0x1000 };

	memcpy(dom.mem.base + 0x1000, "hi!\n", 4);
	sregs.cr0 = 0x11;
	cr_assert_eq(hc_console_io(v, arg), 0);
}

Test(bootacct, splits_the_time_to_the_first_console_line)
{
	char buf[16];

	uint64_t t0 = hv_monotonic_ns();

	hv_bootacct_start(&dom);
	hv_bootacct_thread(&v0);
	cr_assert(v0.boot.on, "a starting domain's vCPU counts");
	/* Two "KVM_RUN"s of at least 2 ms each, hypervisor work of >= 1 ms between. */
	for (int i = 0; i < 2; i++) {
		hv_bootacct_enter(&v0);
		sleep_ms(2);
		hv_bootacct_leave(&v0);
		if (i == 0)
			sleep_ms(1);
	}
	console_line(&v0);
	uint64_t total = hv_monotonic_ns() - t0;

	cr_assert_eq(read(out[0], buf, sizeof(buf)), 4, "the line reached the console");
	cr_assert(atomic_load(&dom.boot.done));
	cr_assert_not(v0.boot.on, "counting stops at the first output");
	uint64_t hv = atomic_load(&dom.boot.hv_ns), guest = atomic_load(&dom.boot.guest_ns);
	uint64_t cons = atomic_load(&dom.boot.console_ns);
	cr_assert_geq(guest, 4000000ull, "guest %llu ns: both runs count", (unsigned long long)guest);
	cr_assert_geq(hv, 1000000ull, "hypervisor %llu ns: the work between runs counts",
		      (unsigned long long)hv);
	cr_assert_eq(hv + guest, cons, "the two parts make the whole (%llu + %llu != %llu)",
		     (unsigned long long)hv, (unsigned long long)guest, (unsigned long long)cons);
	cr_assert_leq(cons, total, "inside the caller's own measure");
}

Test(bootacct, later_output_and_other_vcpus_change_nothing)
{
	hv_bootacct_start(&dom);
	hv_bootacct_thread(&v0);
	hv_bootacct_thread(&v1);
	hv_bootacct_enter(&v1);
	hv_bootacct_leave(&v1);
	console_line(&v0);
	uint64_t hv = atomic_load(&dom.boot.hv_ns), cons = atomic_load(&dom.boot.console_ns);

	cr_assert_neq(cons, 0);
	hv_bootacct_enter(&v1);
	cr_assert_not(v1.boot.on, "another vCPU stops counting once the line is out");
	console_line(&v1);
	console_line(&v0);
	cr_assert_eq(atomic_load(&dom.boot.hv_ns), hv);
	cr_assert_eq(atomic_load(&dom.boot.console_ns), cons);

	/* A vCPU started after the first output does not count at all. */
	struct hv_vcpu late = { .dom = &dom, .id = 2, .regs = &regs, .sregs = &sregs, .fd = -1 };
	hv_bootacct_thread(&late);
	cr_assert_not(late.boot.on);
}

/* With a console ring the first output is the send on its port. */
Test(bootacct, a_send_on_the_console_port_is_console_output)
{
	evtchn_port_t other, cons;
	uint64_t arg[PVABI_HYPERCALL_MAX_ARGS] = { EVTCHNOP_send, 0x2000 };

	cr_assert_eq(evtchn_alloc_unbound(&dom, 0, &other), 0);
	cr_assert_eq(evtchn_alloc_unbound(&dom, 0, &cons), 0);
	dom.console_port = cons;
	sregs.cr0 = 0x11;
	hv_bootacct_start(&dom);
	hv_bootacct_thread(&v0);
	memcpy(dom.mem.base + 0x2000, &other, sizeof(other));
	cr_assert_eq(hc_event_channel_op(&v0, arg), 0);
	cr_assert_not(atomic_load(&dom.boot.done), "another port is not the console");
	memcpy(dom.mem.base + 0x2000, &cons, sizeof(cons));
	cr_assert_eq(hc_event_channel_op(&v0, arg), 0);
	cr_assert(atomic_load(&dom.boot.done));
	cr_assert_neq(atomic_load(&dom.boot.console_ns), 0);
}

Test(bootacct, a_domain_never_started_does_not_count)
{
	hv_bootacct_thread(&v0);
	cr_assert_not(v0.boot.on);
	console_line(&v0);
	cr_assert_not(atomic_load(&dom.boot.done));
	cr_assert_eq(atomic_load(&dom.boot.console_ns), 0);
}

Test(bootacct, only_the_first_start_counts)
{
	hv_bootacct_start(&dom);
	uint64_t first = atomic_load(&dom.boot.start_ns);

	sleep_ms(1);
	hv_bootacct_start(&dom);
	cr_assert_eq(atomic_load(&dom.boot.start_ns), first, "an unpause is not a new start");
}
