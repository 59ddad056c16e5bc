/* ring_dom0.h: dom0's side of the bench-ring guest's stream (protocol:
 * tests/guests/bench-ring/ring_proto.h), shared by test_ring_dom0 and the
 * ring_stream benchmark. dom0 maps the ring grant through libhvctl (a
 * GNT_MAP gives the frame's offset in the guest RAM memfd, which dom0
 * mmaps), binds the guest's port to eventfds and answers every request;
 * the payload is read either through persistent mappings of the data
 * grants or with one grant copy per page. */
#ifndef HOSPES_RING_DOM0_H
#define HOSPES_RING_DOM0_H

#include <stdint.h>

#include <pvabi/ring.h>

#include "../guests/bench-ring/ring_proto.h"
#include "hvctl.h"

struct rd0 {
	struct hvctl *h;
	uint32_t dom;
	/* from the guest's RING READY line */
	uint32_t ring_ref, order, port, data_ref, pages, chunk, slots; /* ring: 2^order refs */
	unsigned long chunks;
	/* options */
	int use_copy; /* 1: grant copy for the payload, 0: mapped data pages */
	int verify;   /* 1: check every payload byte, 0: the seq stamp only */
	/* state */
	int memfd, nfd, kfd;
	uint8_t *ring;          /* the ring's pages back to back */
	struct bring_back back; /* dom0's indices, set before the guest may start */
	uint32_t ring_handles[1u << PVABI_RING_MAX_ORDER];
	uint32_t nr_ring;
	uint8_t *data;          /* pages mapped back to back (map mode) */
	uint32_t *data_handles;
	uint32_t nr_data;       /* handles held in data_handles */
	uint8_t *sink;          /* dom0's own copy of the current chunk */
	unsigned long answered, bad;
	double ns;              /* time serve() took */
};

/* Parses "RING READY ring=.. order=.. port=.. data=.. pages=.. chunk=..
 * slots=.. chunks=.." from a console text. 0 or -EINVAL. */
int rd0_parse_ready(struct rd0 *r, const char *console);
/* r: zeroed, then h, dom, the READY fields and the options set.
 * Binds the port, maps the ring (and, unless use_copy, the data pages),
 * takes dom0's ring indices and only then sends the guest its start
 * event: requests the guest publishes from then on are all served.
 * 0 or -errno (partial state is undone by rd0_detach). */
int rd0_attach(struct rd0 *r);
/* Answers r->chunks requests (counting malformed ones in r->bad). 0, or
 * -EPROTO (ring overrun by the guest), -ETIMEDOUT (no event for 10 s). */
int rd0_serve(struct rd0 *r);
/* Unmaps data, then the ring, closes the port's fds and sends a last
 * event; 0 or the first error. */
int rd0_detach(struct rd0 *r);

#endif
