/* hv_regdump.h: text for a guest fault: the reason and a register dump. */
#ifndef HOSPES_HV_REGDUMP_H
#define HOSPES_HV_REGDUMP_H

#include <linux/kvm.h>
#include <stddef.h>
#include <stdint.h>

/* Multi-line register dump into buf (always NUL-terminated): GPRs, RIP,
 * RFLAGS, control registers, EFER, segments, descriptor tables and
 * "code at RIP:" with code_len bytes (code_len 0: "unavailable"). */
void hv_regdump_format(char *buf, size_t size, const struct kvm_regs *r,
		       const struct kvm_sregs *s, const uint8_t *code, size_t code_len);

/* "xx xx xx" for n bytes (at most 16) into buf. */
void hv_hexbytes(char *buf, size_t size, const uint8_t *p, size_t n);

/* Name of a KVM_EXIT_* reason ("unknown" if none). */
const char *hv_exit_name(uint32_t reason);

/* Reason text for KVM_EXIT_INTERNAL_ERROR with KVM_INTERNAL_ERROR_EMULATION.
 * data/ndata are kvm_run's internal.data; fetched/nfetched is code read
 * through guest memory, used when KVM gave no instruction bytes. */
void hv_emulation_reason(char *buf, size_t size, uint64_t rip, const __u64 *data,
			 uint32_t ndata, const uint8_t *fetched, size_t nfetched);

#endif
