/* console_ring.c: the primary PV console ring (SPEC.md §16): output copied
 * into `out` and published once per write, input taken from `in` without
 * blocking, and a blocking wait on the console port. */
#include "internal.h"

#include <pvabi/console_ring.h>

/* Full barrier (stores before loads too), the form every emulator knows. */
#define CR_MB() __asm__ volatile("lock; addl $0,(%%rsp)" : : : "memory", "cc")

static volatile struct xencons_interface *ring;
static evtchn_port_t cons_port;
static int ring_broken;      /* the backend wrote impossible indices: back to console_io */
static volatile int ring_lock; /* one writer at a time across vCPUs */
static volatile unsigned int lock_owner; /* vCPU id + 1 of the holder */

static long get_param(uint32_t index, uint64_t *value)
{
	struct xen_hvm_param p = {.domid = DOMID_SELF, .index = index};
	long r = pvabi_hvm_op(HVMOP_get_param, &p);

	*value = p.value;
	return r;
}

int pvabi_console_ring_init(void)
{
	uint64_t pfn, port;
	long r;

	if (ring)
		return 0;
	if ((r = get_param(HVM_PARAM_CONSOLE_PFN, &pfn)) ||
	    (r = get_param(HVM_PARAM_CONSOLE_EVTCHN, &port)))
		return (int)r;
	if (!pfn || !port)
		return -XEN_ENOENT; /* no console ring offered to this domain */
	if (!pvabi_shared_info())
		return -XEN_EINVAL; /* waiting needs the pending bits */
	if (pfn >= (1ull << 20) || port >= 64 * 64)
		return -XEN_EINVAL; /* outside the identity map / the 2-level ABI */
	cons_port = (evtchn_port_t)port;
	/* Waited on with SCHEDOP_poll, never taken by the upcall. */
	pvabi_evtchn_mask(cons_port);
	ring = (volatile struct xencons_interface *)(uintptr_t)(pfn << 12);
	return 0;
}

int pvabi_console_ring_attached(void)
{
	return ring && !ring_broken;
}

evtchn_port_t pvabi_console_port(void)
{
	return ring ? cons_port : 0;
}

/* Sleeps until the console port is pending, then clears it; callers look
 * at the ring again afterwards (an event after the clear stays pending). */
void pvabi_console_wait(void)
{
	if (ring && pvabi_evtchn_wait(cons_port) < 0)
		pvabi_sched_op(SCHEDOP_yield, NULL);
}

/* 0, or -XEN_EBUSY when this vCPU already holds the lock (a handler that
 * interrupted a write): the caller then uses console_io instead. */
static int lock(void)
{
	unsigned int me = pvabi_cpu_id() + 1;

	/* Contention is rare (two vCPUs printing at once): yield, never spin. */
	while (__atomic_exchange_n(&ring_lock, 1, __ATOMIC_ACQUIRE)) {
		if (lock_owner == me)
			return -XEN_EBUSY;
		pvabi_sched_op(SCHEDOP_yield, NULL);
	}
	lock_owner = me;
	return 0;
}

static void unlock(void)
{
	lock_owner = 0;
	__atomic_store_n(&ring_lock, 0, __ATOMIC_RELEASE);
}

/* Where kernel mode is emulated each iteration of a rep string
 * instruction costs about as much as a whole instruction: 8 bytes per
 * iteration (rep movsq), then at most three single moves for the tail,
 * is about 6x faster than rep movsb for a 64-byte line. */
static void copy(volatile char *dst, const char *src, uint32_t n)
{
	void *d = (void *)(uintptr_t)dst;
	const void *s = src;
	unsigned long q = n / 8;

	__asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(q) : : "memory");
	if (n & 4)
		__asm__ volatile("movsl" : "+D"(d), "+S"(s) : : "memory");
	if (n & 2)
		__asm__ volatile("movsw" : "+D"(d), "+S"(s) : : "memory");
	if (n & 1)
		__asm__ volatile("movsb" : "+D"(d), "+S"(s) : : "memory");
}

/* Copies n bytes into out at prod, in at most two pieces (wrap). */
static void put(uint32_t prod, const char *buf, uint32_t n)
{
	uint32_t off = prod & (XENCONS_OUT_SIZE - 1), first = XENCONS_OUT_SIZE - off;

	if (first > n)
		first = n;
	copy(ring->out + off, buf, first);
	if (n > first)
		copy(ring->out, buf + first, n - first);
}

/* 0, -XEN_EBUSY (re-entered on this vCPU) or -XEN_EIO when the backend's
 * out_cons is impossible. A full ring
 * blocks on the port until the backend makes room (as Xen guests do):
 * nothing is dropped. One notification per published batch, and only
 * when the backend had consumed everything before it (it may be idle). */
int pvabi_console_ring_write(const char *buf, size_t len)
{
	int r = lock();

	if (r)
		return r;
	while (len) {
		uint32_t prod = ring->out_prod, cons = ring->out_cons, space, n;

		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (prod - cons > XENCONS_OUT_SIZE) {
			ring_broken = 1;
			r = -XEN_EIO;
			break;
		}
		space = XENCONS_OUT_SIZE - (prod - cons);
		if (!space) {
			pvabi_evtchn_send(cons_port);
			pvabi_console_wait();
			continue;
		}
		n = len < space ? (uint32_t)len : space;
		put(prod, buf, n);
		__atomic_thread_fence(__ATOMIC_RELEASE);
		ring->out_prod = prod + n;
		buf += n;
		len -= n;
		/* Pairs with the backend's barrier between writing out_cons and
		 * reading out_prod again: one of the two sees the other. */
		CR_MB();
		if (ring->out_cons == prod)
			pvabi_evtchn_send(cons_port);
	}
	unlock();
	return r;
}

long pvabi_console_read(char *buf, size_t size)
{
	uint32_t cons, prod, n = 0;

	if (!ring || ring_broken)
		return -XEN_ENODEV;
	cons = ring->in_cons;
	prod = ring->in_prod;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (prod - cons > XENCONS_IN_SIZE) {
		ring_broken = 1;
		return -XEN_EIO;
	}
	while (n < size && cons + n != prod) {
		buf[n] = ring->in[(cons + n) & (XENCONS_IN_SIZE - 1)];
		n++;
	}
	if (!n)
		return 0;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	ring->in_cons = cons + n;
	/* As Linux does: every consumption is told. A backend with more input
	 * waits for room; "only when it was full" is not enough, since the
	 * backend may refill from an in_cons older than ours and never make
	 * the ring full again. Input is typed: one event per read is cheap. */
	pvabi_evtchn_send(cons_port);
	return n;
}
