/* test_emu_run.c: the software-CPU accelerator's run loop (hv_emu_run.c)
 * with the real interpreter on a real guest RAM mapping: exits as KVM
 * reports them, HLT sleeping until an MSI from another thread, an ExtINT
 * taken exactly where the interrupt window opens, kicks, and the guard
 * that turns a host fault on guest RAM (an instruction's access or an
 * interrupt frame) into an MMIO exit. The guest code is 32-bit protected
 * mode (the PVH entry state), hand-assembled. */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "hv_emu_int.h"
#include "hv_wait.h"

#define MEM (2ull << 20)
#define CODE 0x1000u
#define IDT 0x2000u
#define GDT 0x3000u
#define STACK 0x8000u
#define DATA 0x5000u

enum {
	E_OUT = 0x000,
	E_HLT = 0x100,
	E_SPIN = 0x200,
	E_GUARD = 0x300,
	E_WIN = 0x400,
	H_APIC = 0x800,
	H_EXT = 0x840
};

/* mov $0x1234,%eax; out %eax,$0xec; hlt */
static const uint8_t e_out[] = {0xb8, 0x34, 0x12, 0x00, 0x00, 0xe7, 0xec, 0xf4};
/* x2APIC on (APIC_BASE |= EN|EXTD), SVR = 0x1ff; out $0x10; sti; hlt;
 * out $0x13; jmp . */
static const uint8_t e_hlt[] = {0xb9, 0x1b, 0x00, 0x00, 0x00, 0x0f, 0x32, 0x0d, 0x00,
				0x0c, 0x00, 0x00, 0x0f, 0x30, 0xb9, 0x0f, 0x08, 0x00,
				0x00, 0xb8, 0xff, 0x01, 0x00, 0x00, 0x31, 0xd2, 0x0f,
				0x30, 0xe6, 0x10, 0xfb, 0xf4, 0xe6, 0x13, 0xeb, 0xfe};
/* jmp . */
static const uint8_t e_spin[] = {0xeb, 0xfe};
/* mov $DATA,%edi; 1: movl $7,(%edi); out $0x11; jmp 1b */
static const uint8_t e_guard[] = {0xbf, 0x00, 0x50, 0x00, 0x00, 0xc7, 0x07, 0x07,
				  0x00, 0x00, 0x00, 0xe6, 0x11, 0xeb, 0xf6};
/* cli; out $0x12; sti; nop; out $0x13; jmp . */
static const uint8_t e_win[] = {0xfa, 0xe6, 0x12, 0xfb, 0x90, 0xe6, 0x13, 0xeb, 0xfe};
/* APIC vector: x2APIC EOI (wrmsr 0x80b, 0); out $0x14; iret */
static const uint8_t h_apic[] = {0xb9, 0x0b, 0x08, 0x00, 0x00, 0x31, 0xc0,
				 0x31, 0xd2, 0x0f, 0x30, 0xe6, 0x14, 0xcf};
/* ExtINT vector: out $0x14; iret (no EOI, as the type-2 callback) */
static const uint8_t h_ext[] = {0xe6, 0x14, 0xcf};

#define APIC_VECTOR 0xf3
#define EXT_VECTOR 0x40

static struct hv_domain dom;
static struct hv_vcpu vc;

static void put(uint32_t gpa, const void *p, size_t n)
{
	memcpy(dom.mem.base + gpa, p, n);
}

static void gate(uint8_t vector, uint32_t handler)
{
	uint64_t g = (handler & 0xffffu) | (0x08ull << 16) | (0x8eull << 40) |
		     ((uint64_t)(handler >> 16) << 48); /* 32-bit interrupt gate, CS 0x08 */

	put(IDT + vector * 8u, &g, sizeof(g));
}

static void setup(void)
{
	static const uint64_t gdt[] = {0, 0x00cf9a000000ffffull, 0x00cf92000000ffffull};
	static int opened;

	if (!opened) {
		cr_assert_eq(hv_emu_open(), 0);
		opened = 1;
	}
	cr_assert_eq(hv_domain_init(&dom, 1, -1), 0);
	cr_assert_eq(gmem_ram_create(&dom.mem, MEM, "test-emu-run"), 0);
	vc = (struct hv_vcpu){.dom = &dom, .id = 0, .fd = -1, .thread = pthread_self()};
	hv_wait_init(&vc);
	dom.vcpus[0] = &vc;
	dom.nr_vcpus = 1;
	cr_assert_eq(hv_emu_vm_create(&dom), 0);
	cr_assert_eq(dom.accel, HV_ACCEL_EMU);
	cr_assert_eq(hv_emu_vcpu_create(&vc), 0);
	put(CODE + E_OUT, e_out, sizeof(e_out));
	put(CODE + E_HLT, e_hlt, sizeof(e_hlt));
	put(CODE + E_SPIN, e_spin, sizeof(e_spin));
	put(CODE + E_GUARD, e_guard, sizeof(e_guard));
	put(CODE + E_WIN, e_win, sizeof(e_win));
	put(CODE + H_APIC, h_apic, sizeof(h_apic));
	put(CODE + H_EXT, h_ext, sizeof(h_ext));
	put(GDT, gdt, sizeof(gdt));
	gate(APIC_VECTOR, CODE + H_APIC);
	gate(EXT_VECTOR, CODE + H_EXT);
}

static void teardown(void)
{
	hv_emu_vcpu_destroy(&vc);
	hv_wait_fini(&vc);
	hv_domain_fini(&dom);
}

TestSuite(emu_run, .init = setup, .fini = teardown, .timeout = 30);

/* The PVH entry state at entry, with a GDT, an IDT and a stack. */
static void boot_at(uint32_t entry)
{
	cr_assert_eq(hv_emu_vcpu_boot(&vc, CODE + entry, 0), 0);
	vc.sregs->gdt.base = GDT;
	vc.sregs->gdt.limit = 3 * 8 - 1;
	vc.sregs->idt.base = IDT;
	vc.sregs->idt.limit = 256 * 8 - 1;
	vc.regs->rsp = STACK;
	emu_sregs_changed(vc.emu->cpu);
}

/* One run that must end in an OUT to port. */
static void expect_out(uint16_t port)
{
	int r = hv_emu_run(&vc);

	cr_assert_eq(r, 0, "run: %d", r);
	cr_assert_eq(vc.run->exit_reason, KVM_EXIT_IO, "exit %u at RIP 0x%llx", vc.run->exit_reason,
		     (unsigned long long)vc.regs->rip);
	cr_assert_eq(vc.run->io.direction, KVM_EXIT_IO_OUT);
	cr_assert_eq(vc.run->io.port, port, "port 0x%x, want 0x%x", vc.run->io.port, port);
}

Test(emu_run, hypercall_port_exit_with_registers_in_the_sync_area)
{
	boot_at(E_OUT);
	expect_out(0xec);
	cr_assert_eq(vc.run->io.size, 4);
	cr_assert_eq(vc.run->io.count, 1);
	cr_assert_eq(vc.regs->rax, 0x1234);
	cr_assert_eq(vc.regs->rip, CODE + E_OUT + 7, "RIP past the out");
	cr_assert_eq(vc.run->kvm_valid_regs, KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS);
}

static void sleep_ms(unsigned ms)
{
	struct timespec t = {0, (long)ms * 1000000};

	nanosleep(&t, NULL);
}

static void *send_msi_later(void *arg)
{
	(void)arg;
	sleep_ms(50);
	cr_assert_eq(hv_emu_signal_msi(&dom, 0, APIC_VECTOR), 1, "the enabled APIC refused");
	return NULL;
}

Test(emu_run, hlt_sleeps_until_an_msi_from_another_thread)
{
	pthread_t t;

	boot_at(E_HLT);
	/* Software-disabled APIC (reset state): refused, as KVM_SIGNAL_MSI. */
	cr_assert_eq(hv_emu_signal_msi(&dom, 0, APIC_VECTOR), 0);
	cr_assert_eq(hv_emu_signal_msi(&dom, 5, APIC_VECTOR), 0, "no such vCPU");
	expect_out(0x10); /* APIC enabled, about to sti; hlt */
	cr_assert_eq(pthread_create(&t, NULL, send_msi_later, NULL), 0);
	/* Halted until the MSI: the handler runs before the code after hlt. */
	expect_out(0x14);
	pthread_join(t, NULL);
	expect_out(0x13);
	cr_assert_eq(vc.regs->rsp, STACK, "iret popped the interrupt frame");
}

Test(emu_run, extint_waits_for_sti_and_its_shadow)
{
	boot_at(E_WIN);
	expect_out(0x12); /* interrupts off */
	cr_assert_eq(hv_emu_interrupt(&vc, EXT_VECTOR), 0);
	cr_assert_eq(hv_emu_interrupt(&vc, EXT_VECTOR), -EEXIST, "one queued at a time");
	/* Not before sti, not in its shadow (the nop), but before the next out. */
	expect_out(0x14);
	expect_out(0x13);
}

static void *kick_later(void *arg)
{
	(void)arg;
	sleep_ms(20);
	vc.run->immediate_exit = 1; /* what the kick signal's handler does */
	hv_emu_kick(&vc);
	return NULL;
}

Test(emu_run, a_kick_ends_a_guest_that_never_exits)
{
	pthread_t t;
	int r;

	boot_at(E_SPIN);
	cr_assert_eq(pthread_create(&t, NULL, kick_later, NULL), 0);
	r = hv_emu_run(&vc);
	pthread_join(t, NULL);
	cr_assert_eq(r, -EINTR);
	cr_assert_eq(vc.run->exit_reason, KVM_EXIT_INTR);
	cr_assert_eq(vc.regs->rip, CODE + E_SPIN);
	vc.run->immediate_exit = 0;
}

Test(emu_run, host_fault_on_guest_ram_becomes_an_mmio_exit)
{
	boot_at(E_GUARD);
	expect_out(0x11); /* the store went through: the page is cached */
	cr_assert_eq(*(uint32_t *)(dom.mem.base + DATA), 7);
	/* Taken away behind the interpreter's back (no hv_mem_changed). */
	cr_assert_eq(mprotect(dom.mem.base + DATA, 4096, PROT_NONE), 0);
	cr_assert_eq(hv_emu_run(&vc), 0);
	cr_assert_eq(vc.run->exit_reason, KVM_EXIT_MMIO, "exit %u", vc.run->exit_reason);
	cr_assert_eq(vc.run->mmio.phys_addr, DATA);
	cr_assert_eq(vc.run->mmio.is_write, 1);
	cr_assert_eq(vc.run->mmio.len, 4, "movl: a 4-byte store");
	cr_assert_eq(vc.regs->rip, CODE + E_GUARD + 5, "RIP 0x%llx, not on the faulting store",
		     (unsigned long long)vc.regs->rip);
	/* Back: the same instruction completes. */
	cr_assert_eq(mprotect(dom.mem.base + DATA, 4096, PROT_READ | PROT_WRITE), 0);
	hv_mem_changed(&dom);
	*(uint32_t *)(dom.mem.base + DATA) = 0;
	expect_out(0x11);
	cr_assert_eq(*(uint32_t *)(dom.mem.base + DATA), 7);
}

Test(emu_run, interrupt_frame_on_a_lost_page_is_an_mmio_exit)
{
	boot_at(E_WIN);
	expect_out(0x12);
	/* The stack page goes away; the interrupt frame cannot be pushed. */
	cr_assert_eq(mprotect(dom.mem.base + STACK - 4096, 4096, PROT_NONE), 0);
	cr_assert_eq(hv_emu_interrupt(&vc, EXT_VECTOR), 0);
	cr_assert_eq(hv_emu_run(&vc), 0);
	cr_assert_eq(vc.run->exit_reason, KVM_EXIT_MMIO, "exit %u", vc.run->exit_reason);
	cr_assert_eq(vc.run->mmio.phys_addr & ~0xfffull, STACK - 4096, "0x%llx",
		     (unsigned long long)vc.run->mmio.phys_addr);
	cr_assert_eq(vc.run->mmio.is_write, 1);
	cr_assert_eq(vc.regs->rip, CODE + E_WIN + 5, "RIP 0x%llx: where the window opened",
		     (unsigned long long)vc.regs->rip);
	cr_assert_eq(vc.regs->rsp, STACK, "nothing pushed");
	cr_assert_eq(mprotect(dom.mem.base + STACK - 4096, 4096, PROT_READ | PROT_WRITE), 0);
}
