/* hvm.c: hvm_op params, upcall vector arguments and time; the shared_info
 * overlay (XENMEM_add_to_physmap) and VCPUOP_register_vcpu_info. */
#include "events.h"

static long param(int cmd, domid_t dom, uint32_t index, uint64_t *value)
{
	struct xen_hvm_param p = { .domid = dom, .index = index, .value = *value };
	long r = pvabi_hvm_op(cmd, &p);

	*value = p.value;
	return r;
}

static uint64_t get_time(void)
{
	struct xen_hvm_get_time t = { 0 };

	pvabi_hvm_op(HVMOP_get_time, &t);
	return t.now;
}

void ev_hvm(void)
{
	uint64_t v = 77, t1, t2;

	conf_check("hvm.get_callback_unset", param(HVMOP_get_param, DOMID_SELF, 0, &v));
	conf_check("hvm.callback_unset_value", (long)v);
	v = 77;
	conf_check("hvm.get_store_pfn", param(HVMOP_get_param, DOMID_SELF, HVM_PARAM_STORE_PFN, &v));
	conf_check("hvm.store_pfn_value", (long)v);
	v = 77;
	param(HVMOP_get_param, 1, HVM_PARAM_CONSOLE_EVTCHN, &v);
	conf_check("hvm.console_evtchn_own_id", (long)v);
	v = 5;
	conf_check("hvm.set_store_pfn", param(HVMOP_set_param, DOMID_SELF, HVM_PARAM_STORE_PFN, &v));
	conf_check("hvm.get_out_of_range", param(HVMOP_get_param, DOMID_SELF, HVM_NR_PARAMS, &v));
	conf_check("hvm.set_out_of_range", param(HVMOP_set_param, DOMID_SELF, HVM_NR_PARAMS, &v));
	conf_check("hvm.get_other_domain", param(HVMOP_get_param, 5, HVM_PARAM_STORE_PFN, &v));
	v = 3ull << 56;
	conf_check("hvm.set_callback_bad_type", param(HVMOP_set_param, DOMID_SELF, 0, &v));
	v = HVM_PARAM_CALLBACK_VECTOR(0x05);
	conf_check("hvm.set_callback_low_vector", param(HVMOP_set_param, DOMID_SELF, 0, &v));
	conf_check("hvm.get_bad_pointer", pvabi_hvm_op(HVMOP_get_param, CONF_UNMAPPED));
	conf_check("hvm.upcall_vector_no_vcpu",
		   pvabi_hvm_op(HVMOP_set_evtchn_upcall_vector,
				&(struct xen_hvm_evtchn_upcall_vector){ .vcpu = 7, .vector = 0xf3 }));
	conf_check("hvm.upcall_vector_too_low",
		   pvabi_hvm_op(HVMOP_set_evtchn_upcall_vector,
				&(struct xen_hvm_evtchn_upcall_vector){ .vcpu = 0, .vector = 5 }));
	t1 = get_time();
	t2 = get_time();
	conf_check("hvm.get_time_monotonic", t1 > 0 && t2 >= t1);
	conf_check("hvm.get_time_bad_pointer", pvabi_hvm_op(HVMOP_get_time, CONF_UNMAPPED));
	conf_check("hvm.pagetable_dying", pvabi_hvm_op(HVMOP_pagetable_dying, NULL));
	conf_check("hvm.unknown", pvabi_hvm_op(99, NULL));
}

static long add_to_physmap(domid_t dom, unsigned space, uint64_t idx, uint64_t gpfn)
{
	struct xen_add_to_physmap a = { .domid = dom, .space = space, .idx = idx, .gpfn = gpfn };

	return pvabi_memory_op(XENMEM_add_to_physmap, &a);
}

/* A page of our own for the overlay tests (RAM, identity-mapped). */
static uint8_t spare[2][4096] __attribute__((aligned(4096)));

void ev_physmap(void)
{
	uint64_t gpfn = (uintptr_t)spare[0] >> 12;
	struct shared_info *s = pvabi_shared_info();
	volatile struct shared_info *moved = (struct shared_info *)spare[0];

	conf_check("physmap.bad_idx", add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 1, gpfn));
	/* Grant tables (SPEC.md §14.2): a v2 status frame is refused. */
	conf_check("physmap.grant_table",
		   add_to_physmap(DOMID_SELF, XENMAPSPACE_grant_table, XENMAPIDX_grant_table_status, gpfn));
	conf_check("physmap.unknown_space", add_to_physmap(DOMID_SELF, 9, 0, gpfn));
	conf_check("physmap.beyond_ram",
		   add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, 0x100000));
	conf_check("physmap.other_domain", add_to_physmap(5, XENMAPSPACE_shared_info, 0, gpfn));
	conf_check("physmap.bad_pointer", pvabi_memory_op(XENMEM_add_to_physmap, CONF_UNMAPPED));
	/* Map it a second time elsewhere: the same page shows up there. */
	s->arch.nmi_reason = 0x5a5a;
	conf_check("physmap.move", add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, gpfn));
	conf_check_hex("physmap.same_page", moved->arch.nmi_reason);
	conf_check("physmap.move_back",
		   add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, (uintptr_t)s >> 12));
	conf_check_hex("physmap.spare_is_ram_again", moved->arch.nmi_reason);
}

void ev_vcpu_info(void)
{
	struct vcpu_info *vi = (struct vcpu_info *)(spare[1] + 128);
	struct vcpu_register_vcpu_info bad = { .mfn = (uintptr_t)spare[1] >> 12, .offset = 4064 };
	evtchn_port_t p = 0;

	conf_check("vcpu_info.crosses_page", pvabi_vcpu_op(VCPUOP_register_vcpu_info, 0, &bad));
	bad.offset = 4;
	conf_check("vcpu_info.misaligned", pvabi_vcpu_op(VCPUOP_register_vcpu_info, 0, &bad));
	bad = (struct vcpu_register_vcpu_info){ .mfn = 0x100000 };
	conf_check("vcpu_info.not_ram", pvabi_vcpu_op(VCPUOP_register_vcpu_info, 0, &bad));
	conf_check("vcpu_info.no_vcpu", pvabi_vcpu_op(VCPUOP_register_vcpu_info, 7, &bad));
	conf_check("vcpu_info.register", pvabi_vcpu_info_register(vi));
	conf_check("vcpu_info.upcall_pending", vi->evtchn_upcall_pending);
	conf_check_hex("vcpu_info.pending_sel", vi->evtchn_pending_sel);
	conf_check("vcpu_info.twice", pvabi_vcpu_info_register(vi));
	/* The owed upcall rescans and clears the flags. A hypercall with
	 * interrupts on gives it a certain delivery point (an instruction
	 * emulator may run a short sti..cli window without checking). */
	pvabi_irq_enable();
	pvabi_xen_version(XENVER_version, NULL);
	pvabi_irq_disable();
	conf_check("vcpu_info.rescanned", vi->evtchn_upcall_pending + (vi->evtchn_pending_sel != 0));
	pvabi_evtchn_bind_ipi(0, &p);
	ev_count[p] = 0;
	pvabi_evtchn_bind_handler(p, ev_count_handler, NULL);
	pvabi_irq_enable();
	pvabi_evtchn_send(p);
	pvabi_irq_disable();
	conf_check("vcpu_info.delivery_after_move", ev_count[p]);
	pvabi_evtchn_close(p);
}
