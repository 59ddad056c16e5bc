/* kvm_floor_irqfd.c: `kvm_floor irqfd N`: the raw KVM floor of an event
 * round trip: a host thread writes an irqfd (MSI route to vector 0x40 of
 * the in-kernel LAPIC, split irqchip as hospes-hv uses), the guest handler
 * writes an ioeventfd port and EOIs its x2APIC, the host thread reads the
 * ioeventfd. No exit to user space on the way. Prints the median round
 * trip, and the same ping-pong between two host threads over eventfds:
 *   floor_irqfd_rt_ns <ns> n <N>
 *   host_eventfd_rt_ns <ns> n <N> */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "kvm_floor.h"

#define MEM_SIZE (4u << 20)
#define PML4 0x1000u
#define GDT 0x4000u
#define IDT 0x5000u
#define CODE 0x100000u
#define VECTOR 0x40
#define GSI 30

extern const uint8_t irqfd_guest_start[], irqfd_guest_end[], irqfd_entry[], irqfd_handler[];

static int fail(const char *what)
{
	fprintf(stderr, "kvm_floor irqfd: %s: %s\n", what, strerror(errno));
	return 1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t median(uint64_t *v, unsigned long n)
{
	qsort(v, n, sizeof(v[0]), cmp);
	return v[n / 2];
}

static void build_memory(uint8_t *mem)
{
	uint64_t *pml4 = (uint64_t *)(mem + PML4), *pdpt = (uint64_t *)(mem + PML4 + 0x1000);
	uint64_t *pd = (uint64_t *)(mem + PML4 + 0x2000), *gdt = (uint64_t *)(mem + GDT);
	uint64_t *idt = (uint64_t *)(mem + IDT);
	uint64_t h = CODE + (uint64_t)(irqfd_handler - irqfd_guest_start);

	pml4[0] = (PML4 + 0x1000) | 3;
	pdpt[0] = (PML4 + 0x2000) | 3;
	for (uint64_t i = 0; i < 512; i++)
		pd[i] = (i << 21) | 0x83;
	gdt[1] = 0x00af9a000000ffffull; /* 64-bit code, selector 8 */
	gdt[2] = 0x00cf92000000ffffull; /* data, selector 16 */
	idt[2 * VECTOR] = (h & 0xffff) | (8ull << 16) | (0x8e00ull << 32) | ((h >> 16 & 0xffff) << 48);
	idt[2 * VECTOR + 1] = h >> 32;
	memcpy(mem + CODE, irqfd_guest_start, (size_t)(irqfd_guest_end - irqfd_guest_start));
}

static int setup_vcpu(int kvm, int vcpu)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + 256 * sizeof(c->entries[0]));
	struct kvm_sregs s;
	struct kvm_regs r = { .rip = CODE + (uint64_t)(irqfd_entry - irqfd_guest_start),
			      .rsp = 0x80000, .rflags = 2 };

	c->nent = 256;
	if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, c) < 0 || ioctl(vcpu, KVM_SET_CPUID2, c) < 0)
		return fail("CPUID (x2APIC)");
	free(c);
	if (ioctl(vcpu, KVM_GET_SREGS, &s) < 0)
		return fail("KVM_GET_SREGS");
	kvm_floor_long_mode(&s, PML4);
	s.gdt = (struct kvm_dtable){ .base = GDT, .limit = 23 };
	s.idt = (struct kvm_dtable){ .base = IDT, .limit = 4095 };
	if (ioctl(vcpu, KVM_SET_SREGS, &s) < 0 || ioctl(vcpu, KVM_SET_REGS, &r) < 0)
		return fail("KVM_SET_SREGS/REGS");
	return 0;
}

static int wire(int vm, int in_fd, int out_fd)
{
	struct {
		struct kvm_irq_routing hdr;
		struct kvm_irq_routing_entry e;
	} rt = { .hdr.nr = 1, .e = { .gsi = GSI, .type = KVM_IRQ_ROUTING_MSI,
				     .u.msi = { .address_lo = 0xfee00000u, .data = VECTOR } } };
	struct kvm_irqfd irqfd = { .fd = (uint32_t)in_fd, .gsi = GSI };
	struct kvm_ioeventfd io = { .addr = 0x31, .len = 1, .fd = out_fd,
				    .flags = KVM_IOEVENTFD_FLAG_PIO };

	if (ioctl(vm, KVM_SET_GSI_ROUTING, &rt) < 0 || ioctl(vm, KVM_IRQFD, &irqfd) < 0 ||
	    ioctl(vm, KVM_IOEVENTFD, &io) < 0)
		return fail("irqfd/ioeventfd");
	return 0;
}

struct vcpu_ctx {
	int fd;
	struct kvm_run *run;
	int ready_fd;
};

static void *vcpu_thread(void *arg)
{
	struct vcpu_ctx *c = arg;
	uint64_t one = 1;

	for (;;) {
		if (ioctl(c->fd, KVM_RUN, 0) < 0 && errno != EINTR)
			break;
		if (c->run->exit_reason == KVM_EXIT_IO && c->run->io.port == 0xf1) {
			if (write(c->ready_fd, &one, 8) != 8)
				break;
			continue;
		}
		fprintf(stderr, "kvm_floor irqfd: unexpected exit %u\n", c->run->exit_reason);
		break;
	}
	exit(1);
}

static uint64_t ping_pong(int in_fd, int out_fd, uint64_t *t, unsigned long n)
{
	uint64_t one = 1, v;

	for (unsigned long i = 0; i < n; i++) {
		uint64_t t0 = now_ns();

		if (write(in_fd, &one, 8) != 8 || read(out_fd, &v, 8) != 8)
			return 0;
		t[i] = now_ns() - t0;
	}
	return median(t, n);
}

struct echo {
	int in_fd, out_fd;
};

static void *echo_thread(void *arg)
{
	struct echo *e = arg;
	uint64_t v;

	while (read(e->in_fd, &v, 8) == 8)
		if (write(e->out_fd, &v, 8) != 8)
			break;
	return NULL;
}

int kvm_floor_irqfd(unsigned long n)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC), vm, vcpu, run_size;
	struct kvm_enable_cap split = { .cap = KVM_CAP_SPLIT_IRQCHIP, .args[0] = 24 };
	int in_fd = eventfd(0, EFD_CLOEXEC), out_fd = eventfd(0, EFD_CLOEXEC);
	uint64_t *t = calloc(n, sizeof(*t)), v, rt;
	struct vcpu_ctx c;
	struct echo e;
	pthread_t th;
	uint8_t *mem;

	if (kvm < 0 || (vm = ioctl(kvm, KVM_CREATE_VM, 0)) < 0 || !t)
		return fail("/dev/kvm");
	if (ioctl(vm, KVM_ENABLE_CAP, &split) < 0)
		return fail("KVM_CAP_SPLIT_IRQCHIP");
	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct kvm_userspace_memory_region region = { .memory_size = MEM_SIZE,
						      .userspace_addr = (uintptr_t)mem };
	if (mem == MAP_FAILED || ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return fail("guest memory");
	build_memory(mem);
	if ((vcpu = ioctl(vm, KVM_CREATE_VCPU, 0)) < 0 || setup_vcpu(kvm, vcpu) ||
	    wire(vm, in_fd, out_fd))
		return 1;
	run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	c = (struct vcpu_ctx){ vcpu, mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0),
			       eventfd(0, EFD_CLOEXEC) };
	if (c.run == MAP_FAILED || pthread_create(&th, NULL, vcpu_thread, &c))
		return fail("vCPU thread");
	if (read(c.ready_fd, &v, 8) != 8)
		return fail("guest ready");
	usleep(10000); /* let it reach hlt */
	ping_pong(in_fd, out_fd, t, n < 100 ? n : 100); /* warm-up */
	if (!(rt = ping_pong(in_fd, out_fd, t, n)))
		return fail("round trip");
	printf("floor_irqfd_rt_ns %llu n %lu\n", (unsigned long long)rt, n);
	/* The same ping-pong between two host threads. */
	e = (struct echo){ eventfd(0, EFD_CLOEXEC), eventfd(0, EFD_CLOEXEC) };
	if (pthread_create(&th, NULL, echo_thread, &e))
		return fail("echo thread");
	printf("host_eventfd_rt_ns %llu n %lu\n", (unsigned long long)ping_pong(e.in_fd, e.out_fd, t, n), n);
	fflush(stdout);
	_exit(0); /* the vCPU thread stays in KVM_RUN */
}
