/* kvm_floor.c: the raw KVM floor for hypercall benchmarks. A minimal VM
 * (no hospes-hv code involved) runs a loop of port-I/O exits that this VMM
 * resumes at once; prints the mean ns per exit as
 *   floor_pio_ns_x1000 <ns times 1000> n <iterations> tsc_khz <khz>
 * Usage: kvm_floor [out|call|irqfd] [N] (irqfd: see kvm_floor_irqfd.c). "out" is the bare exit; "call" makes
 * each exit through the same call/stub instruction stream as a hypercall
 * through the hypercall page (same mode, paging and loop shape as the
 * bench-hypercall guest), so the two figures differ only by hospes-hv. */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kvm_floor.h"

#define MEM_SIZE (4u << 20)
#define PML4_GPA 0x1000u
#define PDPT_GPA 0x2000u
#define PD_GPA 0x3000u
#define CODE_GPA 0x100000u

extern const uint8_t floor_guest_start[], floor_guest_end[], floor_out[], floor_call[];

static int die(const char *what)
{
	fprintf(stderr, "kvm_floor: %s: %s\n", what, strerror(errno));
	return 1;
}

/* Identity map of the first 1 GiB with 2 MiB pages. */
static void build_page_tables(uint8_t *mem)
{
	uint64_t *pml4 = (uint64_t *)(mem + PML4_GPA), *pdpt = (uint64_t *)(mem + PDPT_GPA);
	uint64_t *pd = (uint64_t *)(mem + PD_GPA);
	pml4[0] = PDPT_GPA | 3;
	pdpt[0] = PD_GPA | 3;
	for (uint64_t i = 0; i < 512; i++)
		pd[i] = (i << 21) | 0x83;
}

void kvm_floor_long_mode(struct kvm_sregs *s, unsigned long pml4)
{
	struct kvm_segment code = { .base = 0, .limit = 0xffffffff, .selector = 8, .type = 11,
				    .present = 1, .s = 1, .l = 1, .g = 1 };
	struct kvm_segment data = code;
	data.selector = 16;
	data.type = 3;
	data.l = 0;
	data.db = 1;
	s->cs = code;
	s->ds = s->es = s->fs = s->gs = s->ss = data;
	s->cr3 = pml4;
	s->cr4 = 1u << 5;                               /* PAE */
	s->cr0 = 0x80000001u | (1u << 4) | (1u << 16); /* PG PE ET WP */
	s->efer = (1u << 8) | (1u << 10);               /* LME LMA */
}

int main(int argc, char **argv)
{
	const char *shape = argc > 1 ? argv[1] : "out";
	unsigned long n = argc > 2 ? strtoul(argv[2], NULL, 10) : 20000;
	const uint8_t *entry = !strcmp(shape, "call") ? floor_call : floor_out;
	if (!strcmp(shape, "irqfd") && n > 0)
		return kvm_floor_irqfd(n); /* events: irqfd -> guest -> ioeventfd */
	if ((strcmp(shape, "call") && strcmp(shape, "out")) || n == 0) {
		fprintf(stderr, "usage: kvm_floor [out|call|irqfd] [iterations > 0]\n");
		return 2;
	}
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return die("/dev/kvm");
	int vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		return die("KVM_CREATE_VM");
	uint8_t *mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return die("mmap");
	struct kvm_userspace_memory_region region = {
		.slot = 0, .guest_phys_addr = 0, .memory_size = MEM_SIZE, .userspace_addr = (uintptr_t)mem
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return die("KVM_SET_USER_MEMORY_REGION");
	build_page_tables(mem);
	memcpy(mem + CODE_GPA, floor_guest_start, floor_guest_end - floor_guest_start);

	int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vcpu < 0 || run_size <= 0)
		return die("KVM_CREATE_VCPU");
	struct kvm_run *run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		return die("mmap kvm_run");
	struct kvm_sregs sregs;
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		return die("KVM_GET_SREGS");
	kvm_floor_long_mode(&sregs, PML4_GPA);
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		return die("KVM_SET_SREGS");
	struct kvm_regs regs = { .rip = CODE_GPA + (entry - floor_guest_start), .rcx = n, .rflags = 2, .rsp = 0x80000 };
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		return die("KVM_SET_REGS");
	long khz = ioctl(vcpu, KVM_GET_TSC_KHZ, 0);
	if (khz <= 0)
		return die("KVM_GET_TSC_KHZ");

	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR)
				continue;
			return die("KVM_RUN");
		}
		if (run->exit_reason == KVM_EXIT_IO && run->io.port == 0xec)
			continue;
		if (run->exit_reason == KVM_EXIT_IO && run->io.port == 0xf0)
			break;
		fprintf(stderr, "kvm_floor: unexpected exit %u\n", run->exit_reason);
		return 1;
	}
	if (ioctl(vcpu, KVM_GET_REGS, &regs) < 0)
		return die("KVM_GET_REGS");
	uint64_t cycles = regs.rdi - regs.rsi;
	/* ns * 1000 per iteration = cycles * 1e9 / khz / n */
	unsigned long long ns_x1000 = (unsigned long long)((__int128)cycles * 1000000000 / khz / n);
	printf("floor_pio_ns_x1000 %llu n %lu tsc_khz %ld\n", ns_x1000, n, khz);
	return 0;
}
