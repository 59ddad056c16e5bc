/* hv_kvm.c: every KVM ioctl of hospes-hv: VM, memslots, MSR filter, vCPU,
 * CPUID and the PVH boot state; and the choice of accelerator, with each
 * operation dispatched to the software CPU (hv_emu.c) for its domains. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pvabi/cpuid.h>

#include "hv_cpuid.h"
#include "hv_emu.h"
#include "hv_kvm.h"
#include "hv_upcall.h"

static int kvm_fd = -1;
static size_t kvm_run_size;
/* KVM_GET_SUPPORTED_CPUID, read once: it is the same for every vCPU. */
static struct kvm_cpuid2 *supported_cpuid;

static int read_supported_cpuid(void);

static enum hv_accel accel_requested = HV_ACCEL_AUTO;
static enum hv_accel accel_current = HV_ACCEL_KVM;

void hv_accel_request(enum hv_accel a)
{
	accel_requested = a;
}

int hv_accel_parse(const char *s, enum hv_accel *a)
{
	if (!strcmp(s, "auto"))
		*a = HV_ACCEL_AUTO;
	else if (!strcmp(s, "kvm"))
		*a = HV_ACCEL_KVM;
	else if (!strcmp(s, "emu"))
		*a = HV_ACCEL_EMU;
	else
		return -EINVAL;
	return 0;
}

enum hv_accel hv_accel_current(void)
{
	return accel_current;
}

static inline bool emu_dom(const struct hv_domain *d)
{
	return d->accel == HV_ACCEL_EMU;
}

static int use_emu(void)
{
	accel_current = HV_ACCEL_EMU;
	return hv_emu_open();
}

static int fail(const struct hv_domain *d, const char *what)
{
	int err = -errno;

	hv_log(d, HV_LOG_ERROR, "%s failed: %s", what, strerror(errno));
	return err;
}

static int need_cap(int cap, const char *name, int mask)
{
	int r = ioctl(kvm_fd, KVM_CHECK_EXTENSION, cap);

	if (r <= 0 || (mask && (r & mask) != mask)) {
		hv_log(NULL, HV_LOG_ERROR, "this KVM lacks %s", name);
		return -ENOTSUP;
	}
	return 0;
}

int hv_kvm_open(void)
{
	int r;

	if (accel_requested == HV_ACCEL_EMU) {
		hv_log(NULL, HV_LOG_INFO, "accelerator emu: guests run on the software CPU (slow)");
		return use_emu();
	}
	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0 && accel_requested == HV_ACCEL_AUTO) {
		hv_log(NULL, HV_LOG_INFO, "no /dev/kvm (%s): guests run on the software CPU (slow)",
		       strerror(errno));
		return use_emu();
	}
	if (kvm_fd < 0) {
		r = -errno;
		hv_log(NULL, HV_LOG_ERROR, "cannot open /dev/kvm: %s (is KVM available?)",
		       strerror(-r));
		return r;
	}
	if (ioctl(kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		hv_log(NULL, HV_LOG_ERROR, "/dev/kvm: unexpected KVM API version");
		return -ENOTSUP;
	}
	if ((r = need_cap(KVM_CAP_SYNC_REGS, "KVM_CAP_SYNC_REGS",
			  KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS)) ||
	    (r = need_cap(KVM_CAP_X86_USER_SPACE_MSR, "KVM_CAP_X86_USER_SPACE_MSR", 0)) ||
	    (r = need_cap(KVM_CAP_X86_MSR_FILTER, "KVM_CAP_X86_MSR_FILTER", 0)) ||
	    (r = need_cap(KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT", 0)) ||
	    (r = need_cap(KVM_CAP_SPLIT_IRQCHIP, "KVM_CAP_SPLIT_IRQCHIP", 0)) ||
	    (r = need_cap(KVM_CAP_SIGNAL_MSI, "KVM_CAP_SIGNAL_MSI", 0)))
		return r;
	r = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (r < (int)sizeof(struct kvm_run))
		return fail(NULL, "KVM_GET_VCPU_MMAP_SIZE");
	kvm_run_size = (size_t)r;
	if ((r = read_supported_cpuid()))
		return r;
	hv_upcall_use_kvm(); /* events: upcalls through the in-kernel LAPIC */
	return 0;
}

void hv_kvm_close(void)
{
	if (kvm_fd >= 0)
		close(kvm_fd);
	kvm_fd = -1;
	free(supported_cpuid);
	supported_cpuid = NULL;
}

/* Reads and writes of the hypercall MSR exit to us; all else stays in KVM. */
static int set_msr_filter(struct hv_domain *d)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_X86_USER_SPACE_MSR,
				      .args[0] = KVM_MSR_EXIT_REASON_FILTER };
	static uint8_t deny = 0; /* bitmap bit clear = access denied = exit */
	struct kvm_msr_filter f = { .flags = KVM_MSR_FILTER_DEFAULT_ALLOW };

	f.ranges[0] = (struct kvm_msr_filter_range){
		.flags = KVM_MSR_FILTER_READ | KVM_MSR_FILTER_WRITE,
		.nmsrs = 1,
		.base = XEN_HYPERCALL_MSR,
		.bitmap = &deny,
	};
	if (ioctl(d->vm_fd, KVM_ENABLE_CAP, &cap) < 0)
		return fail(d, "KVM_ENABLE_CAP(KVM_CAP_X86_USER_SPACE_MSR)");
	if (ioctl(d->vm_fd, KVM_X86_SET_MSR_FILTER, &f) < 0)
		return fail(d, "KVM_X86_SET_MSR_FILTER");
	return 0;
}

/* Events: only the local APIC is emulated in the kernel (split irqchip:
 * no PIC, no IOAPIC); it delivers upcalls. Must precede vCPU creation. */
static int enable_lapic(struct hv_domain *d)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_SPLIT_IRQCHIP, .args[0] = 24 };

	if (ioctl(d->vm_fd, KVM_ENABLE_CAP, &cap) < 0)
		return fail(d, "KVM_ENABLE_CAP(KVM_CAP_SPLIT_IRQCHIP)");
	return 0;
}

int hv_kvm_vm_create(struct hv_domain *d)
{
	int r;

	if (accel_current == HV_ACCEL_EMU)
		return hv_emu_vm_create(d);
	d->accel = HV_ACCEL_KVM;
	d->vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (d->vm_fd < 0)
		return fail(d, "KVM_CREATE_VM");
	for (unsigned i = 0; i < d->mem.nr_ranges; i++) {
		struct kvm_userspace_memory_region slot = {
			.slot = i,
			.guest_phys_addr = d->mem.ranges[i].gpa,
			.memory_size = d->mem.ranges[i].size,
			.userspace_addr = (uint64_t)(uintptr_t)(d->mem.base + d->mem.ranges[i].gpa),
		};
		if (ioctl(d->vm_fd, KVM_SET_USER_MEMORY_REGION, &slot) < 0)
			return fail(d, "KVM_SET_USER_MEMORY_REGION");
	}
	if ((r = set_msr_filter(d)))
		return r;
	return enable_lapic(d);
}

void hv_kvm_vm_destroy(struct hv_domain *d)
{
	if (emu_dom(d))
		hv_emu_vm_destroy(d);
	if (d->vm_fd >= 0)
		close(d->vm_fd);
	d->vm_fd = -1;
}

static struct kvm_cpuid2 *cpuid_alloc(uint32_t n)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));

	if (c)
		c->nent = n;
	return c;
}

static int read_supported_cpuid(void)
{
	struct kvm_cpuid2 *sup = NULL;

	for (uint32_t n = 128;; n *= 2) {
		free(sup);
		if (!(sup = cpuid_alloc(n)))
			return -ENOMEM;
		if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, sup) == 0)
			break;
		if (errno != E2BIG || n >= 4096) {
			free(sup);
			return fail(NULL, "KVM_GET_SUPPORTED_CPUID");
		}
	}
	supported_cpuid = sup;
	return 0;
}

static int set_cpuid(struct hv_vcpu *v)
{
	const struct kvm_cpuid2 *sup = supported_cpuid;
	struct kvm_cpuid2 *out = NULL;
	struct hv_cpuid_params p = { .vcpu_id = v->id, .domid = v->dom->id };
	int khz, r;

	khz = ioctl(v->fd, KVM_GET_TSC_KHZ, 0);
	/* No TSC scaling on this KVM: the guest TSC runs at the host's rate. */
	p.guest_tsc_khz = p.host_tsc_khz = khz > 0 ? (uint32_t)khz : 0;
	r = -ENOMEM;
	if (!(out = cpuid_alloc(sup->nent + 16)))
		goto out;
	if ((r = hv_cpuid_build(out, sup->nent + 16, sup, &p)))
		goto out;
	r = ioctl(v->fd, KVM_SET_CPUID2, out) < 0 ? fail(v->dom, "KVM_SET_CPUID2") : 0;
out:
	free(out);
	return r;
}

/* Events: LVT0 in ExtINT mode, LVT1 NMI (the "virtual wire" firmware
 * leaves), so that the type-2 callback can be injected with KVM_INTERRUPT
 * outside the APIC's ISR. */
static int lapic_virtual_wire(struct hv_vcpu *v)
{
	struct kvm_lapic_state s;
	const uint32_t lvt0 = 0x700, lvt1 = 0x400; /* ExtINT unmasked; NMI */

	if (ioctl(v->fd, KVM_GET_LAPIC, &s) < 0)
		return fail(v->dom, "KVM_GET_LAPIC");
	memcpy(&s.regs[0x350], &lvt0, sizeof(lvt0));
	memcpy(&s.regs[0x360], &lvt1, sizeof(lvt1));
	if (ioctl(v->fd, KVM_SET_LAPIC, &s) < 0)
		return fail(v->dom, "KVM_SET_LAPIC");
	return 0;
}

int hv_kvm_signal_msi(struct hv_domain *d, unsigned apic_id, uint8_t vector)
{
	struct kvm_msi msi = { .address_lo = 0xfee00000u | ((apic_id & 0xff) << 12),
			       .data = vector }; /* fixed, edge, physical destination */
	int r;

	if (emu_dom(d))
		return hv_emu_signal_msi(d, apic_id, vector);
	r = ioctl(d->vm_fd, KVM_SIGNAL_MSI, &msi);

	/* > 0: accepted; 0: refused (e.g. the APIC is software-disabled). */
	return r < 0 ? -errno : r;
}

int hv_kvm_interrupt(struct hv_vcpu *v, uint8_t vector)
{
	struct kvm_interrupt irq = { .irq = vector };

	if (emu_dom(v->dom))
		return hv_emu_interrupt(v, vector);
	return ioctl(v->fd, KVM_INTERRUPT, &irq) < 0 ? -errno : 0;
}

int hv_kvm_vcpu_create(struct hv_vcpu *v)
{
	int r;

	if (emu_dom(v->dom))
		return hv_emu_vcpu_create(v);
	v->fd = ioctl(v->dom->vm_fd, KVM_CREATE_VCPU, v->id);
	if (v->fd < 0)
		return fail(v->dom, "KVM_CREATE_VCPU");
	v->run = mmap(NULL, kvm_run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED) {
		v->run = NULL;
		return fail(v->dom, "mmap(kvm_run)");
	}
	v->run_size = kvm_run_size;
	/* The exit path reads registers from here instead of extra ioctls. */
	v->run->kvm_valid_regs = KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
	v->regs = &v->run->s.regs.regs;
	v->sregs = &v->run->s.regs.sregs;
	if ((r = set_cpuid(v)))
		return r;
	return lapic_virtual_wire(v);
}

void hv_kvm_vcpu_destroy(struct hv_vcpu *v)
{
	if (emu_dom(v->dom)) {
		hv_emu_vcpu_destroy(v);
		return;
	}
	if (v->run)
		munmap(v->run, v->run_size);
	if (v->fd >= 0)
		close(v->fd);
	v->run = NULL;
	v->fd = -1;
}

static struct kvm_segment flat(uint16_t sel, uint8_t type)
{
	return (struct kvm_segment){ .base = 0, .limit = 0xffffffff, .selector = sel, .type = type,
				     .present = 1, .dpl = 0, .db = 1, .s = 1, .l = 0, .g = 1 };
}

int hv_kvm_vcpu_boot(struct hv_vcpu *v, uint64_t entry, uint64_t start_info)
{
	struct kvm_sregs s;
	struct kvm_regs r = { .rip = entry, .rbx = start_info, .rflags = 0x2 };

	if (emu_dom(v->dom))
		return hv_emu_vcpu_boot(v, entry, start_info);
	if (ioctl(v->fd, KVM_GET_SREGS, &s) < 0)
		return fail(v->dom, "KVM_GET_SREGS");
	s.cs = flat(0x08, 0xb); /* execute/read, accessed */
	s.ds = s.es = s.fs = s.gs = s.ss = flat(0x10, 0x3); /* read/write, accessed */
	s.tr = (struct kvm_segment){ .limit = 0x67, .selector = 0x18, .type = 0xb, .present = 1 };
	s.ldt = (struct kvm_segment){ .type = 0x2, .unusable = 1 };
	s.gdt.base = s.idt.base = 0;
	s.gdt.limit = s.idt.limit = 0; /* PVH provides neither */
	s.cr0 = 0x11; /* PE | ET */
	s.cr2 = s.cr3 = s.cr4 = 0;
	s.efer = 0;
	if (ioctl(v->fd, KVM_SET_SREGS, &s) < 0)
		return fail(v->dom, "KVM_SET_SREGS");
	if (ioctl(v->fd, KVM_SET_REGS, &r) < 0)
		return fail(v->dom, "KVM_SET_REGS");
	return 0;
}

int hv_kvm_vcpu_load_start(struct hv_vcpu *v, const struct kvm_regs *regs,
			   const struct kvm_sregs *sregs)
{
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };
	struct kvm_sregs s;
	struct kvm_regs r = *regs;

	if (emu_dom(v->dom))
		return hv_emu_vcpu_load_start(v, regs, sregs);
	if (ioctl(v->fd, KVM_GET_SREGS, &s) < 0)
		return fail(v->dom, "KVM_GET_SREGS");
	s.cs = sregs->cs;
	s.ds = sregs->ds;
	s.es = sregs->es;
	s.fs = sregs->fs;
	s.gs = sregs->gs;
	s.ss = sregs->ss;
	s.tr = sregs->tr;
	s.ldt = sregs->ldt;
	s.gdt = sregs->gdt;
	s.idt = sregs->idt;
	s.cr0 = sregs->cr0;
	s.cr3 = sregs->cr3;
	s.cr4 = sregs->cr4;
	s.efer = sregs->efer;
	if (ioctl(v->fd, KVM_SET_SREGS, &s) < 0)
		return fail(v->dom, "KVM_SET_SREGS");
	if (ioctl(v->fd, KVM_SET_REGS, &r) < 0)
		return fail(v->dom, "KVM_SET_REGS");
	if (ioctl(v->fd, KVM_SET_MP_STATE, &mp) < 0)
		return fail(v->dom, "KVM_SET_MP_STATE");
	return 0;
}

int hv_kvm_refresh_state(struct hv_vcpu *v)
{
	if (emu_dom(v->dom))
		return 0; /* the interpreter works on v->regs / v->sregs */
	if (ioctl(v->fd, KVM_GET_REGS, v->regs) < 0 || ioctl(v->fd, KVM_GET_SREGS, v->sregs) < 0)
		return -errno;
	return 0;
}

int hv_kvm_run(struct hv_vcpu *v)
{
	if (emu_dom(v->dom))
		return hv_emu_run(v);
	return ioctl(v->fd, KVM_RUN, 0) < 0 ? -errno : 0;
}

/* Time (hv_vtime.c): how the vCPU's TSC relates to the host's. The TSC
 * offset attribute gives it exactly; without it (older KVM) the guest TSC
 * is read through KVM_GET_MSRS between two host TSC reads. */
int hv_kvm_vcpu_tsc(struct hv_vcpu *v, int64_t *offset, uint32_t *khz)
{
	struct kvm_device_attr a = { .group = KVM_VCPU_TSC_CTRL, .attr = KVM_VCPU_TSC_OFFSET,
				     .addr = (uint64_t)(uintptr_t)offset };
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e;
	} m = { .hdr.nmsrs = 1, .e.index = 0x10 /* IA32_TSC */ };
	int r;

	if (emu_dom(v->dom))
		return hv_emu_vcpu_tsc(v, offset, khz);
	r = ioctl(v->fd, KVM_GET_TSC_KHZ, 0);

	*khz = r > 0 ? (uint32_t)r : 0;
	*offset = 0;
	if (ioctl(v->fd, KVM_HAS_DEVICE_ATTR, &a) == 0 && ioctl(v->fd, KVM_GET_DEVICE_ATTR, &a) == 0)
		return 0;
	uint64_t t0 = __builtin_ia32_rdtsc();
	if (ioctl(v->fd, KVM_GET_MSRS, &m) != 1)
		return fail(v->dom, "KVM_GET_MSRS(IA32_TSC)");
	uint64_t t1 = __builtin_ia32_rdtsc();
	*offset = (int64_t)(m.e.data - (t0 + (t1 - t0) / 2));
	return 0;
}
