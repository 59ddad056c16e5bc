/* vcpu_info.c: VCPUOP_register_vcpu_info at places the hypervisor must
 * refuse, then at a good one, and then an attempt to give that frame back
 * to the hypervisor (decrease_reservation) while the hypervisor still
 * writes event state into it. */
#include "hostile.h"

static uint8_t good[4096] __attribute__((aligned(4096)));

static long reg(unsigned int vcpu, uint64_t mfn, uint32_t offset)
{
	struct vcpu_register_vcpu_info r = { .mfn = mfn, .offset = offset };

	return pvabi_vcpu_op(VCPUOP_register_vcpu_info, vcpu, &r);
}

static void on_ipi(evtchn_port_t port, void *arg)
{
	(void)port;
	(*(volatile unsigned int *)arg)++;
}

void hostile_vcpu_info(void)
{
	uint64_t mfn = (uintptr_t)good >> 12, gfn = mfn;
	static volatile unsigned int got;
	evtchn_port_t ipi = 0;

	conf_check("vcpu_info.beyond_ram", reg(0, 0x100000, 0));
	conf_check("vcpu_info.mfn_huge", reg(0, 1ull << 60, 0));
	conf_check("vcpu_info.mfn_max", reg(0, ~0ull, 0));
	conf_check("vcpu_info.crosses_page", reg(0, mfn, 4040));
	conf_check("vcpu_info.misaligned", reg(0, mfn, 4));
	conf_check("vcpu_info.no_such_vcpu", reg(5, mfn, 0));
	conf_check("vcpu_info.bad_argument",
		   pvabi_vcpu_op(VCPUOP_register_vcpu_info, 0, CONF_UNMAPPED));
	conf_check("vcpu_info.register", pvabi_vcpu_info_register((struct vcpu_info *)good));
	conf_check("vcpu_info.twice", reg(0, mfn, 64));
	/* The hypervisor writes this frame on every event for vCPU 0: it must
	 * not be given back while registered. */
	conf_check("vcpu_info.release_frame", pvabi_balloon_release(&gfn, 1, 0));
	conf_check("vcpu_info.bind_ipi", pvabi_evtchn_bind_ipi(0, &ipi));
	pvabi_evtchn_bind_handler(ipi, on_ipi, (void *)&got);
	conf_check("vcpu_info.send", pvabi_evtchn_send(ipi));
	while (!got)
		__asm__ volatile("sti; hlt; cli" : : : "memory");
	conf_check("vcpu_info.event_delivered", got);
}
