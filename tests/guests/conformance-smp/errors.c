/* errors.c: error cases of binding and moving ports across vCPUs, run
 * while vCPUs 1..3 are still offline (offline vCPUs exist: binding to them
 * succeeds, as in Xen). */
#include "smpev.h"

static long status_of(evtchn_port_t port, uint32_t *vcpu)
{
	struct evtchn_status st = { .dom = DOMID_SELF, .port = port };
	long r = pvabi_evtchn_status(&st);

	*vcpu = st.vcpu;
	return r ? r : (long)st.status;
}

static long vector_for(uint32_t vcpu)
{
	struct xen_hvm_evtchn_upcall_vector u = { .vcpu = vcpu, .vector = SMPEV_VECTOR };

	return pvabi_hvm_op(HVMOP_set_evtchn_upcall_vector, &u);
}

void sev_errors(void)
{
	evtchn_port_t p = 0, ipi2 = 0, t1 = 0, u = 0, c = 0;
	uint32_t vcpu = 0;

	conf_check("err.bind_ipi_no_vcpu", pvabi_evtchn_bind_ipi(SMPEV_VCPUS, &p));
	conf_check("err.bind_ipi_vcpu_8", pvabi_evtchn_bind_ipi(8, &p));
	conf_check("err.bind_ipi_huge_vcpu", pvabi_evtchn_bind_ipi(0xffffffffu, &p));
	conf_check("err.bind_virq_timer_no_vcpu", pvabi_evtchn_bind_virq(VIRQ_TIMER, SMPEV_VCPUS, &p));
	conf_check("err.bind_virq_global_on_ap", pvabi_evtchn_bind_virq(VIRQ_CONSOLE, 1, &p));
	conf_check("err.bind_virq_timer_twice", pvabi_evtchn_bind_virq(VIRQ_TIMER, 0, &p));
	conf_check("err.upcall_vector_no_vcpu", vector_for(SMPEV_VCPUS));

	conf_check("offline.bind_ipi", pvabi_evtchn_bind_ipi(2, &ipi2));
	conf_check("offline.ipi_status", status_of(ipi2, &vcpu));
	conf_check("offline.ipi_status_vcpu", vcpu);
	conf_check("offline.bind_virq_timer", pvabi_evtchn_bind_virq(VIRQ_TIMER, 1, &t1));
	conf_check("offline.timer_status", status_of(t1, &vcpu));
	conf_check("offline.timer_status_vcpu", vcpu);

	conf_check("err.bind_vcpu_ipi", pvabi_evtchn_bind_vcpu(ipi2, 1));
	conf_check("err.bind_vcpu_ipi_still_on", (status_of(ipi2, &vcpu), vcpu));
	conf_check("err.bind_vcpu_per_vcpu_virq", pvabi_evtchn_bind_vcpu(t1, 2));
	conf_check("err.bind_vcpu_no_vcpu", pvabi_evtchn_bind_vcpu(sev_pong, SMPEV_VCPUS));
	conf_check("err.bind_vcpu_huge_vcpu", pvabi_evtchn_bind_vcpu(sev_pong, 0xffffffffu));
	conf_check("err.bind_vcpu_port_0", pvabi_evtchn_bind_vcpu(0, 1));
	conf_check("err.bind_vcpu_never_allocated", pvabi_evtchn_bind_vcpu(4095, 1));
	pvabi_evtchn_alloc_unbound(DOMID_SELF, &c);
	pvabi_evtchn_close(c);
	conf_check("err.bind_vcpu_closed", pvabi_evtchn_bind_vcpu(c, 1));
	conf_check("err.bind_vcpu_closed_no_vcpu", pvabi_evtchn_bind_vcpu(c, 9));

	/* Ports that may move, to an offline vCPU. */
	conf_check("move.unbound_alloc", pvabi_evtchn_alloc_unbound(DOMID_SELF, &u));
	conf_check("move.unbound_to_offline", pvabi_evtchn_bind_vcpu(u, 2));
	conf_check("move.unbound_status_vcpu", (status_of(u, &vcpu), vcpu));
	conf_check("move.unbound_routed", pvabi_evtchn_cpu(u));
	pvabi_evtchn_close(u);
	conf_check("move.closed_routed_to_0", pvabi_evtchn_cpu(u));
	conf_check("move.global_virq_bind", pvabi_evtchn_bind_virq(VIRQ_CONSOLE, 0, &p));
	conf_check("move.global_virq_to_offline", pvabi_evtchn_bind_vcpu(p, 3));
	conf_check("move.global_virq_status_vcpu", (status_of(p, &vcpu), vcpu));
	pvabi_evtchn_close(p);
	pvabi_evtchn_close(ipi2);
	pvabi_evtchn_close(t1);
}
