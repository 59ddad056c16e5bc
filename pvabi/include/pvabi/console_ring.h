/* console_ring.h: the primary PV console ring page (xencons_interface), a
 * plain byte stream each way. Self-contained, used by both sides.
 * Normative: SPEC.md §16. */
#ifndef PVABI_CONSOLE_RING_H
#define PVABI_CONSOLE_RING_H

#include <stddef.h>
#include <stdint.h>

#define XENCONS_IN_SIZE 1024u  /* backend -> guest (keyboard input) */
#define XENCONS_OUT_SIZE 2048u /* guest -> backend (output) */

/* Indices are free-running u32 byte counters; a slot is idx & (size - 1).
 * The guest produces out (out_prod) and consumes in (in_cons); the
 * backend the reverse. A producer never gets more than size ahead. */
struct xencons_interface {
	char in[XENCONS_IN_SIZE];   /* IN for the guest */
	char out[XENCONS_OUT_SIZE]; /* OUT from the guest */
	uint32_t in_cons, in_prod;   /* in_cons: guest, in_prod: backend */
	uint32_t out_cons, out_prod; /* out_cons: backend, out_prod: guest */
};
_Static_assert(sizeof(struct xencons_interface) == 3088, "xencons_interface");
_Static_assert(offsetof(struct xencons_interface, out) == 1024, "out");
_Static_assert(offsetof(struct xencons_interface, in_cons) == 3072, "in_cons");
_Static_assert(offsetof(struct xencons_interface, in_prod) == 3076, "in_prod");
_Static_assert(offsetof(struct xencons_interface, out_cons) == 3080, "out_cons");
_Static_assert(offsetof(struct xencons_interface, out_prod) == 3084, "out_prod");

#define MASK_XENCONS_IDX(idx, ring) ((idx) & (sizeof(ring) - 1))

#endif
