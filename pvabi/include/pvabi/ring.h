/* ring.h: the generic shared request/response ring (SPEC.md §15).
 * Self-contained (only <stdint.h>/<stddef.h>), used by both sides: guest
 * kernels (freestanding) and host programs (dom0 backends, tests).
 *
 * The shared area is 2^order pages: a 64-byte header (producer and event
 * indices for both directions) followed by a power-of-two array of slots,
 * each a union of the request and the response. Indices are free-running
 * uint32_t and wrap; slot = idx & (size - 1). The frontend produces
 * requests and consumes responses; the backend the other way round. Each
 * side keeps its private indices outside the shared area.
 *
 * Use: PVABI_RING_DEFINE(name, struct my_req, struct my_rsp) generates
 *   struct name_sring  the shared layout (header + union name_entry ring[])
 *   struct name_front  the frontend's view: sring, size, req_prod_pvt, rsp_cons
 *   struct name_back   the backend's view:  sring, size, rsp_prod_pvt, req_cons
 * and static inline functions name_sring_init, name_front_init,
 * name_back_init, name_ring_size and the per-side operations below.
 *
 * Ordering contract (x86 is TSO): a producer writes entries, then wmb,
 * then the producer index; a consumer reads the producer index, then rmb,
 * then entries. wmb/rmb only stop the compiler. Deciding whether to
 * notify (producer: publish index, then read the peer's event index) and
 * re-checking before sleeping (consumer: write the event index, then read
 * the producer index) are store->load sequences that TSO may reorder, so
 * they need pvabi_ring_mb, a real fence (a locked add on the stack, which
 * KVM's instruction emulator also executes). */
#ifndef PVABI_RING_H
#define PVABI_RING_H

#include <stddef.h>
#include <stdint.h>

typedef uint32_t RING_IDX;

/* Shared header, 64 bytes, at offset 0 of the ring area. */
struct pvabi_sring_hdr {
	uint32_t req_prod;  /* OUT front: requests published up to here */
	uint32_t req_event; /* OUT back: notify me when req_prod passes this */
	uint32_t rsp_prod;  /* OUT back: responses published up to here */
	uint32_t rsp_event; /* OUT front: notify me when rsp_prod passes this */
	uint8_t pvt[4];     /* protocol-private (netif/tapif use it) */
	uint8_t pad[44];
};
_Static_assert(sizeof(struct pvabi_sring_hdr) == 64, "sring header is 64 bytes");
_Static_assert(offsetof(struct pvabi_sring_hdr, req_prod) == 0, "req_prod");
_Static_assert(offsetof(struct pvabi_sring_hdr, req_event) == 4, "req_event");
_Static_assert(offsetof(struct pvabi_sring_hdr, rsp_prod) == 8, "rsp_prod");
_Static_assert(offsetof(struct pvabi_sring_hdr, rsp_event) == 12, "rsp_event");
_Static_assert(offsetof(struct pvabi_sring_hdr, pvt) == 16, "pvt");
_Static_assert(offsetof(struct pvabi_sring_hdr, pad) == 20, "pad");

#define PVABI_RING_HDR_SIZE 64u
#define PVABI_RING_PAGE_SIZE 4096u
/* Largest ring area the helpers accept: 2^PVABI_RING_MAX_ORDER pages. */
#define PVABI_RING_MAX_ORDER 4u

/* ---- Barriers ----------------------------------------------------------- */

#define pvabi_ring_wmb() __asm__ volatile("" : : : "memory")
#define pvabi_ring_rmb() __asm__ volatile("" : : : "memory")
#if defined(__x86_64__)
/* A locked no-op on the top of the stack orders earlier stores before later
 * loads like mfence, is cheaper, and is in KVM's emulator. */
#define pvabi_ring_mb() __asm__ volatile("lock addl $0, (%%rsp)" : : : "memory", "cc")
#else
#define pvabi_ring_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif

/* Shared indices are read and written exactly once per use. */
#define PVABI_RING_GET(x) (*(const volatile uint32_t *)&(x))
#define PVABI_RING_SET(x, v) (*(volatile uint32_t *)&(x) = (uint32_t)(v))

/* ---- Sizes -------------------------------------------------------------- */

/* Largest power of two <= n (0 for 0). */
static inline uint32_t pvabi_ring_rd32(uint32_t n)
{
	uint32_t p = 1;

	if (n == 0)
		return 0;
	while (p <= n / 2)
		p <<= 1;
	return p;
}

/* Slots in an area of bytes (header included) for entries of entry_size:
 * rounded down to a power of two; 0 if not even one fits. */
static inline uint32_t pvabi_ring_size(size_t bytes, size_t entry_size)
{
	if (entry_size == 0 || bytes < PVABI_RING_HDR_SIZE + entry_size)
		return 0;
	return pvabi_ring_rd32((uint32_t)((bytes - PVABI_RING_HDR_SIZE) / entry_size));
}

/* Bytes of a 2^order-page ring area. */
#define PVABI_RING_AREA(order) ((size_t)PVABI_RING_PAGE_SIZE << (order))

/* ---- Generic index rules (what the typed functions are made of) --------- */

/* Producer side of either direction: entries [old, new) are written;
 * publishes *prod = new and returns 1 if the consumer asked to be
 * notified, i.e. its event index lies in (old, new]. */
static inline int pvabi_ring_publish(uint32_t *prod, const uint32_t *event, uint32_t new_prod)
{
	uint32_t old = PVABI_RING_GET(*prod);

	pvabi_ring_wmb(); /* entries before the index */
	PVABI_RING_SET(*prod, new_prod);
	pvabi_ring_mb(); /* index before reading the event index */
	return (uint32_t)(new_prod - PVABI_RING_GET(*event)) < (uint32_t)(new_prod - old);
}

/* Consumer's "final check" before it sleeps: if nothing is pending at
 * cons, asks for a notification at cons + 1 and looks once more (the
 * producer may have published in between). Returns 1 if there is work. */
static inline int pvabi_ring_final_check(const uint32_t *prod, uint32_t *event, uint32_t cons)
{
	if (PVABI_RING_GET(*prod) != cons)
		return 1;
	PVABI_RING_SET(*event, cons + 1);
	pvabi_ring_mb(); /* event index before re-reading the producer */
	return PVABI_RING_GET(*prod) != cons;
}

/* ---- Typed rings --------------------------------------------------------- */

#define PVABI_RING_DEFINE(name, req_t, rsp_t)                                                    \
	union name##_entry {                                                                     \
		req_t req;                                                                       \
		rsp_t rsp;                                                                       \
	};                                                                                       \
	struct name##_sring {                                                                    \
		struct pvabi_sring_hdr hdr;                                                      \
		union name##_entry ring[];                                                       \
	};                                                                                       \
	_Static_assert(offsetof(struct name##_sring, ring) == PVABI_RING_HDR_SIZE,               \
		       #name " ring entries start at 64");                                       \
	struct name##_front {                                                                    \
		struct name##_sring *sring;                                                      \
		uint32_t size;                                                                   \
		uint32_t req_prod_pvt; /* next request slot to fill */                           \
		uint32_t rsp_cons;     /* next response to read */                               \
	};                                                                                       \
	struct name##_back {                                                                     \
		struct name##_sring *sring;                                                      \
		uint32_t size;                                                                   \
		uint32_t rsp_prod_pvt; /* next response slot to fill */                          \
		uint32_t req_cons;     /* next request to read */                                \
	};                                                                                       \
	static inline uint32_t name##_ring_size(size_t bytes)                                    \
	{                                                                                        \
		return pvabi_ring_size(bytes, sizeof(union name##_entry));                       \
	}                                                                                        \
	/* Frontend, once, before granting: indices 0, both event indices 1. */                  \
	static inline void name##_sring_init(struct name##_sring *s)                             \
	{                                                                                        \
		s->hdr = (struct pvabi_sring_hdr){ .req_event = 1, .rsp_event = 1 };             \
	}                                                                                        \
	/* Both sides: 0, or -1 if bytes holds no slot. Private indices start at the          \
	 * shared ones (0 after sring_init). */                                               \
	static inline int name##_front_init(struct name##_front *f, struct name##_sring *s,     \
					    size_t bytes)                                        \
	{                                                                                        \
		f->sring = s;                                                                    \
		f->size = name##_ring_size(bytes);                                               \
		f->req_prod_pvt = PVABI_RING_GET(s->hdr.req_prod);                              \
		f->rsp_cons = PVABI_RING_GET(s->hdr.rsp_prod);                                  \
		return f->size ? 0 : -1;                                                         \
	}                                                                                        \
	static inline int name##_back_init(struct name##_back *b, struct name##_sring *s,       \
					   size_t bytes)                                         \
	{                                                                                        \
		b->sring = s;                                                                    \
		b->size = name##_ring_size(bytes);                                               \
		b->rsp_prod_pvt = PVABI_RING_GET(s->hdr.rsp_prod);                              \
		b->req_cons = PVABI_RING_GET(s->hdr.req_prod);                                  \
		return b->size ? 0 : -1;                                                         \
	}                                                                                        \
	/* ---- frontend ---- */                                                                 \
	static inline uint32_t name##_front_free(const struct name##_front *f)                  \
	{                                                                                        \
		return f->size - (f->req_prod_pvt - f->rsp_cons);                                \
	}                                                                                        \
	/* The slot for the next request (caller checked front_free() > 0). */                  \
	static inline req_t *name##_front_next_req(struct name##_front *f)                      \
	{                                                                                        \
		return &f->sring->ring[f->req_prod_pvt++ & (f->size - 1)].req;                  \
	}                                                                                        \
	/* Publishes requests filled so far; 1 if the backend must be notified. */             \
	static inline int name##_front_push(struct name##_front *f)                             \
	{                                                                                        \
		return pvabi_ring_publish(&f->sring->hdr.req_prod, &f->sring->hdr.req_event,   \
					  f->req_prod_pvt);                                      \
	}                                                                                        \
	/* Responses ready to read, or -1 if the backend published more than were         \
	 * requested (a broken or hostile peer). Entries may be read after this. */             \
	static inline int64_t name##_front_rsp_avail(const struct name##_front *f)              \
	{                                                                                        \
		uint32_t n = PVABI_RING_GET(f->sring->hdr.rsp_prod) - f->rsp_cons;              \
		pvabi_ring_rmb();                                                                \
		return n > f->req_prod_pvt - f->rsp_cons ? -1 : (int64_t)n;                      \
	}                                                                                        \
	static inline const rsp_t *name##_front_rsp(const struct name##_front *f, uint32_t idx) \
	{                                                                                        \
		return &f->sring->ring[idx & (f->size - 1)].rsp;                                 \
	}                                                                                        \
	/* 1 if responses are pending; otherwise arms rsp_event and re-checks. */               \
	static inline int name##_front_final_check(struct name##_front *f)                      \
	{                                                                                        \
		return pvabi_ring_final_check(&f->sring->hdr.rsp_prod,                           \
					      &f->sring->hdr.rsp_event, f->rsp_cons);            \
	}                                                                                        \
	/* ---- backend ---- */                                                                  \
	/* Requests to take, bounded by the free response slots so a peer that             \
	 * moves req_prod arbitrarily far never makes us overrun our responses. */            \
	static inline uint32_t name##_back_req_avail(const struct name##_back *b)               \
	{                                                                                        \
		uint32_t req = PVABI_RING_GET(b->sring->hdr.req_prod) - b->req_cons;            \
		uint32_t room = b->size - (b->req_cons - b->rsp_prod_pvt);                      \
		pvabi_ring_rmb();                                                                \
		return req < room ? req : room;                                                  \
	}                                                                                        \
	/* 1 if the frontend claims more outstanding requests than the ring holds:          \
	 * a protocol error (disconnect it). */                                                \
	static inline int name##_back_prod_overflow(const struct name##_back *b)                \
	{                                                                                        \
		uint32_t prod = PVABI_RING_GET(b->sring->hdr.req_prod);                         \
		return (uint32_t)(prod - b->rsp_prod_pvt) > b->size;                             \
	}                                                                                        \
	/* 1 if consuming at cons would overrun unanswered requests. */                         \
	static inline int name##_back_cons_overflow(const struct name##_back *b, uint32_t cons) \
	{                                                                                        \
		return (uint32_t)(cons - b->rsp_prod_pvt) >= b->size;                           \
	}                                                                                        \
	/* Copies the next request out of shared memory once (validate the copy,          \
	 * never the slot: the peer can rewrite it any time) and advances req_cons. */         \
	static inline void name##_back_copy_req(struct name##_back *b, req_t *out)              \
	{                                                                                        \
		__builtin_memcpy(out, &b->sring->ring[b->req_cons++ & (b->size - 1)].req,       \
				 sizeof(*out));                                                  \
		pvabi_ring_wmb();                                                                \
	}                                                                                        \
	static inline rsp_t *name##_back_next_rsp(struct name##_back *b)                        \
	{                                                                                        \
		return &b->sring->ring[b->rsp_prod_pvt++ & (b->size - 1)].rsp;                  \
	}                                                                                        \
	static inline int name##_back_push(struct name##_back *b)                               \
	{                                                                                        \
		return pvabi_ring_publish(&b->sring->hdr.rsp_prod, &b->sring->hdr.rsp_event,   \
					  b->rsp_prod_pvt);                                      \
	}                                                                                        \
	static inline int name##_back_final_check(struct name##_back *b)                        \
	{                                                                                        \
		return pvabi_ring_final_check(&b->sring->hdr.req_prod,                           \
					      &b->sring->hdr.req_event, b->req_cons);            \
	}

#endif
