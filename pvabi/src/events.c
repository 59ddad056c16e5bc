/* events.c: event channels on the guest side: the shared_info page, the
 * upcall (per-vCPU APIC vector or domain-wide callback vector), the 2-level
 * scan that dispatches to per-port handlers, and the EVTCHNOP wrappers. */
#include "internal.h"

#define MSR_APIC_BASE 0x1b
#define APIC_BASE_EXTD (1ull << 10)
#define APIC_BASE_EN (1ull << 11)
#define MSR_X2APIC_SVR 0x80f
#define SPURIOUS_VECTOR 0xff

struct handler {
	pvabi_evtchn_handler_t fn;
	void *arg;
};

/* The shared_info page replaces this BSS page (its frame is named in
 * XENMEM_add_to_physmap; the image is identity-mapped). */
static uint8_t shinfo_page[4096] __attribute__((aligned(4096)));
static struct shared_info *shinfo;
static struct handler handlers[PVABI_EVTCHN_HANDLED_PORTS];
static uint8_t upcall_vector;
static struct vcpu_info *registered[PVABI_MAX_VCPUS]; /* VCPUOP_register_vcpu_info */

static struct vcpu_info *cur_vcpu_info(void)
{
	unsigned int id = pvabi_cpu_id();

	return registered[id] ? registered[id] : &shinfo->vcpu_info[id];
}

extern void pvabi_upcall_entry_eoi(void), pvabi_upcall_entry_noeoi(void);
extern void pvabi_spurious_entry(void);

long pvabi_event_channel_op(int cmd, void *arg)
{
	return pvabi_hypercall2(HYPERCALL_event_channel_op, (unsigned long)cmd, (unsigned long)arg);
}

long pvabi_hvm_op(int cmd, void *arg)
{
	return pvabi_hypercall2(HYPERCALL_hvm_op, (unsigned long)cmd, (unsigned long)arg);
}

struct shared_info *pvabi_shared_info(void)
{
	return shinfo;
}

struct vcpu_info *pvabi_vcpu_info(void)
{
	return shinfo ? cur_vcpu_info() : NULL;
}

int pvabi_vcpu_info_register(struct vcpu_info *vi)
{
	struct vcpu_register_vcpu_info r = { .mfn = (uintptr_t)vi >> 12,
					     .offset = (uint32_t)((uintptr_t)vi & 0xfff) };
	unsigned int id = pvabi_cpu_id();
	long rc = pvabi_vcpu_op(VCPUOP_register_vcpu_info, id, &r);

	if (!rc)
		registered[id] = vi;
	return (int)rc;
}

static inline unsigned long bsf(uint64_t x)
{
	unsigned long r;

	__asm__("bsfq %1, %0" : "=r"(r) : "rm"(x));
	return r;
}

/* Takes port bit b of word w; 1 if this caller cleared it (so exactly one
 * vCPU runs the handler of a port being moved between vCPUs). */
static inline int take_pending(unsigned long w, unsigned long b)
{
	uint8_t was;

	__asm__ volatile("lock btrq %2, %0; setc %1"
			 : "+m"(shinfo->evtchn_pending[w]), "=q"(was)
			 : "r"((uint64_t)b)
			 : "memory", "cc");
	return was;
}

/* Called from upcall.S with interrupts off. Linux's order: clear
 * upcall_pending, take the selector, then ack (clear pending) each port
 * before its handler so a new send raises a new upcall. Only ports routed
 * to this vCPU are taken (pvabi_evtchn_cpu_ports): a word can hold ports
 * of several vCPUs, each of which gets its own upcall for them. */
void pvabi_evtchn_do_upcall(void)
{
	unsigned int id = pvabi_cpu_id();
	volatile struct vcpu_info *vi = registered[id] ? registered[id] : &shinfo->vcpu_info[id];
	const uint64_t *mine = pvabi_evtchn_cpu_ports[id];

	do {
		uint64_t sel;

		vi->evtchn_upcall_pending = 0;
		sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
		while (sel) {
			unsigned long w = bsf(sel);
			uint64_t bits = shinfo->evtchn_pending[w] & ~shinfo->evtchn_mask[w] & mine[w];

			sel &= sel - 1;
			while (bits) {
				unsigned long b = bsf(bits), port = w * 64 + b;

				bits &= bits - 1;
				if (take_pending(w, b) && port < PVABI_EVTCHN_HANDLED_PORTS &&
				    handlers[port].fn)
					handlers[port].fn((evtchn_port_t)port, handlers[port].arg);
			}
		}
	} while (vi->evtchn_upcall_pending);
}

static int map_shared_info(void)
{
	struct xen_add_to_physmap a = { .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info,
					.idx = 0, .gpfn = (uintptr_t)shinfo_page >> 12 };
	long r;

	if (shinfo)
		return 0;
	if ((r = pvabi_memory_op(XENMEM_add_to_physmap, &a)))
		return (int)r;
	shinfo = (struct shared_info *)shinfo_page;
	/* Everything masked until a handler is bound. */
	memset(shinfo->evtchn_mask, 0xff, sizeof(shinfo->evtchn_mask));
	pvabi_evtchn_route_reset();
	return 0;
}

/* x2APIC mode: EOIs are one wrmsr, no MMIO page to emulate. */
static void x2apic_enable(void)
{
	uint64_t base = pvabi_rdmsr(MSR_APIC_BASE);

	if ((base & (APIC_BASE_EN | APIC_BASE_EXTD)) != (APIC_BASE_EN | APIC_BASE_EXTD))
		pvabi_wrmsr(MSR_APIC_BASE, base | APIC_BASE_EN | APIC_BASE_EXTD);
	pvabi_wrmsr(MSR_X2APIC_SVR, 0x100 | SPURIOUS_VECTOR);
}

int pvabi_events_cpu_init(void)
{
	struct xen_hvm_evtchn_upcall_vector u = { .vcpu = pvabi_cpu_id(),
						  .vector = upcall_vector };

	if (!upcall_vector)
		return -XEN_EINVAL;
	x2apic_enable();
	return (int)pvabi_hvm_op(HVMOP_set_evtchn_upcall_vector, &u);
}

int pvabi_events_ap_init(void)
{
	return upcall_vector ? pvabi_events_cpu_init() : 0;
}

int pvabi_events_init(unsigned int vector)
{
	int r;

	if (vector < 0x20 || vector >= SPURIOUS_VECTOR)
		return -XEN_EINVAL;
	if ((r = map_shared_info()))
		return r;
	pvabi_set_idt_gate(vector, pvabi_upcall_entry_eoi);
	pvabi_set_idt_gate(SPURIOUS_VECTOR, pvabi_spurious_entry);
	upcall_vector = (uint8_t)vector;
	return pvabi_events_cpu_init();
}

int pvabi_events_init_callback(unsigned int vector)
{
	struct xen_hvm_param p = { .domid = DOMID_SELF, .index = HVM_PARAM_CALLBACK_IRQ,
				   .value = HVM_PARAM_CALLBACK_VECTOR(vector) };
	int r;

	if (vector < 0x20 || vector >= SPURIOUS_VECTOR)
		return -XEN_EINVAL;
	if ((r = map_shared_info()))
		return r;
	pvabi_set_idt_gate(vector, pvabi_upcall_entry_noeoi);
	return (int)pvabi_hvm_op(HVMOP_set_param, &p);
}

int pvabi_evtchn_bind_handler(evtchn_port_t port, pvabi_evtchn_handler_t fn, void *arg)
{
	if (port == 0 || port >= PVABI_EVTCHN_HANDLED_PORTS || !shinfo)
		return -XEN_EINVAL;
	handlers[port].arg = arg;
	handlers[port].fn = fn;
	if (fn)
		pvabi_evtchn_unmask(port);
	else
		pvabi_evtchn_mask(port);
	return 0;
}

void pvabi_evtchn_mask(evtchn_port_t port)
{
	__asm__ volatile("lock btsq %1, %0"
			 : "+m"(shinfo->evtchn_mask[port / 64])
			 : "r"((uint64_t)(port % 64))
			 : "memory");
}

/* As Linux on HVM: the hypervisor clears the mask, and re-raises the
 * upcall if the port is pending (one hypercall, only when needed). */
void pvabi_evtchn_unmask(evtchn_port_t port)
{
	struct evtchn_unmask u = { .port = port };

	if (shinfo->evtchn_pending[port / 64] & (1ull << (port % 64)))
		pvabi_event_channel_op(EVTCHNOP_unmask, &u);
	else
		__asm__ volatile("lock btrq %1, %0"
				 : "+m"(shinfo->evtchn_mask[port / 64])
				 : "r"((uint64_t)(port % 64))
				 : "memory");
}

int pvabi_evtchn_is_pending(evtchn_port_t port)
{
	return (int)((shinfo->evtchn_pending[port / 64] >> (port % 64)) & 1);
}

long pvabi_evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port)
{
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = remote };
	long r = pvabi_event_channel_op(EVTCHNOP_alloc_unbound, &a);

	if (!r)
		*port = a.port;
	return r;
}

long pvabi_evtchn_bind_interdomain(domid_t remote, evtchn_port_t rport, evtchn_port_t *port)
{
	struct evtchn_bind_interdomain b = { .remote_dom = remote, .remote_port = rport };
	long r = pvabi_event_channel_op(EVTCHNOP_bind_interdomain, &b);

	if (!r)
		*port = b.local_port;
	return r;
}




long pvabi_evtchn_send(evtchn_port_t port)
{
	struct evtchn_send s = { .port = port };

	return pvabi_event_channel_op(EVTCHNOP_send, &s);
}


long pvabi_evtchn_status(struct evtchn_status *st)
{
	return pvabi_event_channel_op(EVTCHNOP_status, st);
}

