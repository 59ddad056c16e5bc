/* kvm_timer_floor.c: the raw KVM floor for timer benchmarks. A minimal VM
 * (in-kernel irqchip, x2APIC, no hospes-hv code) arms its LAPIC
 * TSC-deadline timer 1 ms ahead, halts until the interrupt, and records
 * how late the handler ran. Prints
 *   floor_timer_late_mean_ns <ns> p99_ns <ns> n <rounds> tsc_khz <khz>
 * Usage: kvm_timer_floor [ROUNDS] (default 200, at most 4096). */
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

#define MEM_SIZE (4u << 20)
#define PML4_GPA 0x1000u
#define PDPT_GPA 0x2000u
#define PD_GPA 0x3000u
#define GDT_GPA 0x4000u
#define IDT_GPA 0x5000u
#define STACK_TOP 0x80000u
#define CODE_GPA 0x100000u
#define LATE_GPA 0x200000u
#define MAX_ROUNDS 4096u
#define TIMER_VECTOR 0x40

extern const uint8_t timer_guest_start[], timer_guest_end[], timer_guest_entry[],
	timer_guest_handler[];

static int die(const char *what)
{
	fprintf(stderr, "kvm_timer_floor: %s: %s\n", what, strerror(errno));
	return 1;
}

static void build_tables(uint8_t *mem)
{
	uint64_t *pml4 = (uint64_t *)(mem + PML4_GPA), *pdpt = (uint64_t *)(mem + PDPT_GPA);
	uint64_t *pd = (uint64_t *)(mem + PD_GPA), *gdt = (uint64_t *)(mem + GDT_GPA);
	uint64_t *idt = (uint64_t *)(mem + IDT_GPA);
	uint64_t h = CODE_GPA + (uint64_t)(timer_guest_handler - timer_guest_start);

	pml4[0] = PDPT_GPA | 3;
	pdpt[0] = PD_GPA | 3;
	for (uint64_t i = 0; i < 512; i++)
		pd[i] = (i << 21) | 0x83;
	gdt[1] = 0x00af9a000000ffffull; /* 64-bit code, selector 8 */
	gdt[2] = 0x00cf92000000ffffull; /* data, selector 16 */
	/* interrupt gate: offset 15..0, selector 8, type 0x8e, offset 63..16 */
	idt[TIMER_VECTOR * 2] = (h & 0xffff) | (8ull << 16) | (0x8eull << 40) |
				((h >> 16) & 0xffff) << 48;
	idt[TIMER_VECTOR * 2 + 1] = h >> 32;
}

static void set_long_mode(struct kvm_sregs *s)
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
	s->gdt.base = GDT_GPA;
	s->gdt.limit = 23;
	s->idt.base = IDT_GPA;
	s->idt.limit = 256 * 16 - 1;
	s->cr3 = PML4_GPA;
	s->cr4 = 1u << 5;
	s->cr0 = 0x80000001u | (1u << 4) | (1u << 16);
	s->efer = (1u << 8) | (1u << 10);
}

static int set_cpuid(int kvm, int vcpu)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + 256 * sizeof(c->entries[0]));

	if (!c)
		return -1;
	c->nent = 256;
	if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, c) < 0 || ioctl(vcpu, KVM_SET_CPUID2, c) < 0) {
		free(c);
		return -1;
	}
	free(c);
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 200;

	if (n == 0 || n > MAX_ROUNDS) {
		fprintf(stderr, "usage: kvm_timer_floor [rounds 1..%u]\n", MAX_ROUNDS);
		return 2;
	}
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return die("/dev/kvm");
	int vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0 || ioctl(vm, KVM_CREATE_IRQCHIP, 0) < 0)
		return die("KVM_CREATE_VM/IRQCHIP");
	uint8_t *mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return die("mmap");
	struct kvm_userspace_memory_region region = {
		.slot = 0, .guest_phys_addr = 0, .memory_size = MEM_SIZE, .userspace_addr = (uintptr_t)mem
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return die("KVM_SET_USER_MEMORY_REGION");
	memcpy(mem + CODE_GPA, timer_guest_start, (size_t)(timer_guest_end - timer_guest_start));
	build_tables(mem);

	int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vcpu < 0 || run_size <= 0)
		return die("KVM_CREATE_VCPU");
	if (set_cpuid(kvm, vcpu) < 0)
		return die("CPUID");
	struct kvm_run *run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		return die("mmap kvm_run");
	struct kvm_sregs sregs;
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		return die("KVM_GET_SREGS");
	set_long_mode(&sregs);
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		return die("KVM_SET_SREGS");
	long khz = ioctl(vcpu, KVM_GET_TSC_KHZ, 0);
	if (khz <= 0)
		return die("KVM_GET_TSC_KHZ");
	*(uint64_t *)(mem + STACK_TOP - 8) = n;
	struct kvm_regs regs = { .rip = CODE_GPA + (uint64_t)(timer_guest_entry - timer_guest_start),
				 .rbx = (uint64_t)khz, .rflags = 2, .rsp = STACK_TOP - 8 };
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		return die("KVM_SET_REGS");
	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR)
				continue;
			return die("KVM_RUN");
		}
		if (run->exit_reason == KVM_EXIT_IO && run->io.port == 0xf0)
			break;
		fprintf(stderr, "kvm_timer_floor: unexpected exit %u\n", run->exit_reason);
		return 1;
	}
	uint64_t *late = (uint64_t *)(mem + LATE_GPA), sum = 0;
	for (unsigned long i = 0; i < n; i++) {
		late[i] = late[i] > (1ull << 62) ? 0 : late[i] * 1000000 / (uint64_t)khz; /* ticks -> ns */
		sum += late[i];
	}
	qsort(late, n, sizeof(late[0]), cmp_u64);
	printf("floor_timer_late_mean_ns %llu p99_ns %llu n %lu tsc_khz %ld\n",
	       (unsigned long long)(sum / n), (unsigned long long)late[(n * 99 + 99) / 100 - 1], n,
	       khz);
	return 0;
}
