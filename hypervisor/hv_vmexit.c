/* hv_vmexit.c: what a vCPU does on each KVM exit other than a hypercall:
 * port I/O, HLT, the hypercall MSR, guest faults, and watchdog kicks. */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <pvabi/cpuid.h>

#include "hv_balloon.h"
#include "hv_hcpage.h"
#include "hv_kvm.h"
#include "hv_regdump.h"
#include "hv_vcpu.h"
#include "hv_wait.h"

void hv_vcpu_fault(struct hv_vcpu *v, const char *fmt, ...)
{
	char reason[384], dump[2048];
	uint8_t code[16];
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	/* A pending register write (kvm_dirty_regs) is newer than KVM's copy. */
	if (!v->run->kvm_dirty_regs)
		hv_kvm_refresh_state(v);
	n = gmem_fetch_code(v, code, sizeof(code));
	hv_regdump_format(dump, sizeof(dump), v->regs, v->sregs, code, n);
	hv_domain_fault(v->dom, "%s", reason);
	hv_log_lines(v->dom, HV_LOG_ERROR, dump);
	v->stop = true;
}

static void pio(struct hv_vcpu *v)
{
	struct kvm_run *run = v->run;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	size_t n = (size_t)run->io.size * run->io.count;

	if (run->io.data_offset > v->run_size || n > v->run_size - run->io.data_offset) {
		hv_vcpu_fault(v, "malformed port I/O exit (port 0x%x)", run->io.port);
		return;
	}
	if (run->io.port == PVABI_DEBUGCON_PORT) {
		if (run->io.direction == KVM_EXIT_IO_IN)
			memset(data, 0xe9, n); /* the "port e9 hack" answer */
		else
			for (size_t i = 0; i < n; i += run->io.size) {
				hv_console_putc(&v->dom->console, (char)data[i]);
				if (data[i] == '\n') /* the line is out */
					hv_bootacct_console(v);
			}
		return;
	}
	/* No devices: reads float high, writes vanish. */
	if (run->io.direction == KVM_EXIT_IO_IN)
		memset(data, 0xff, n);
	uint8_t *seen = &v->dom->pio_logged[run->io.port / 8], bit = 1u << (run->io.port % 8);
	if (!(*seen & bit)) {
		*seen |= bit;
		hv_log(v->dom, HV_LOG_DEBUG, "port I/O %s port 0x%x (size %u) ignored",
		       run->io.direction == KVM_EXIT_IO_IN ? "in from" : "out to", run->io.port,
		       run->io.size);
	}
}

static bool never(struct hv_vcpu *v, void *ctx)
{
	(void)v;
	(void)ctx;
	return false;
}

/* No event source exists yet: a halted vCPU waits for the domain's end. */
static void hlt(struct hv_vcpu *v)
{
	hv_vcpu_wait(v, never, NULL, 0);
}

static void msr(struct hv_vcpu *v, bool write)
{
	struct kvm_run *run = v->run;

	run->msr.error = 1; /* #GP for everything but the hypercall MSR */
	if (run->msr.index != XEN_HYPERCALL_MSR)
		return;
	if (!write) {
		run->msr.data = 0;
		run->msr.error = 0;
	} else if (hv_hcpage_install(v->dom, run->msr.data) == 0) {
		run->msr.error = 0;
	} else {
		hv_log(v->dom, HV_LOG_WARN, "hypercall page MSR write 0x%llx refused (#GP)",
		       (unsigned long long)run->msr.data);
	}
}

static void internal_error(struct hv_vcpu *v)
{
	struct kvm_run *run = v->run;
	char reason[256];
	uint8_t code[15];
	size_t n = 0;

	if (run->internal.suberror != KVM_INTERNAL_ERROR_EMULATION) {
		hv_vcpu_fault(v, "unexpected KVM exit %u (%s), suberror %u", run->exit_reason,
			      hv_exit_name(run->exit_reason), run->internal.suberror);
		return;
	}
	uint32_t ndata = run->internal.ndata < 16 ? run->internal.ndata : 16;
	if (ndata < 3 || !(run->internal.data[0] & KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES))
		n = gmem_fetch_code(v, code, sizeof(code));
	hv_emulation_reason(reason, sizeof(reason), v->regs->rip, run->internal.data, ndata, code, n);
	hv_vcpu_fault(v, "%s", reason);
}

void hv_exit_handle(struct hv_vcpu *v)
{
	struct kvm_run *run = v->run;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		pio(v);
		break;
	case KVM_EXIT_HLT:
		hlt(v);
		break;
	case KVM_EXIT_X86_RDMSR:
	case KVM_EXIT_X86_WRMSR:
		msr(v, run->exit_reason == KVM_EXIT_X86_WRMSR);
		break;
	case KVM_EXIT_INTR:
		hv_exit_kicked(v);
		break;
	case KVM_EXIT_SHUTDOWN:
		hv_vcpu_fault(v, "triple fault");
		break;
	case KVM_EXIT_MMIO:
		if (hv_balloon_fault(v, run->mmio.phys_addr, run->mmio.is_write, run->mmio.len))
			break;
		hv_vcpu_fault(v, "access to unbacked guest-physical address 0x%llx (%s, %u bytes)",
			      (unsigned long long)run->mmio.phys_addr,
			      run->mmio.is_write ? "write" : "read", run->mmio.len);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		internal_error(v);
		break;
	default:
		hv_vcpu_fault(v, "unexpected KVM exit %u (%s)", run->exit_reason,
			      hv_exit_name(run->exit_reason));
		break;
	}
}

void hv_exit_kicked(struct hv_vcpu *v)
{
	uint8_t insn[3];

	v->run->immediate_exit = 0;
	if (atomic_load(&v->dom->dying))
		return;
	if (!v->run->kvm_dirty_regs && hv_kvm_refresh_state(v))
		return;
	/* On this host KVM_RUN spins forever on vmcall/vmmcall: the watchdog
	 * kicked us, and the instruction at RIP tells why. */
	if (gmem_fetch_code(v, insn, sizeof(insn)) == sizeof(insn) && insn[0] == 0x0f &&
	    insn[1] == 0x01 && (insn[2] == 0xc1 || insn[2] == 0xd9))
		hv_vcpu_fault(v,
			      "%s at RIP 0x%llx: hypercalls must use the hypercall page (this host's "
			      "KVM never returns from vmcall/vmmcall)",
			      insn[2] == 0xc1 ? "vmcall" : "vmmcall", (unsigned long long)v->regs->rip);
}
