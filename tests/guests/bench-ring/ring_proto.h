/* ring_proto.h: the bulk-transfer protocol between the bench-ring guest
 * and its dom0 peer (tests/bench/ring_dom0.c), included by both. The guest
 * grants one ring page (read-write) and data pages (read-only) to dom0;
 * each request names a chunk: `len` bytes at page `slot * chunk_pages` of
 * the data area. Its first 8 bytes are the request's seq, the rest a
 * pattern the peer can check (BRING_PATTERN): the guest copies each chunk
 * from a pre-filled source at an offset that moves with seq, so only the
 * copy itself costs per byte. dom0 answers each request with its status. */
#ifndef BENCH_RING_PROTO_H
#define BENCH_RING_PROTO_H

#include <stdint.h>

#include <pvabi/ring.h>

struct bring_req {
	uint64_t seq;
	uint32_t slot; /* data slot, < slots of the READY line */
	uint32_t len;  /* bytes, <= chunk */
};
struct bring_rsp {
	uint64_t seq;
	int32_t status; /* 0 = read (and, if dom0 checks, verified); -1 = bad */
	uint32_t pad;
};
PVABI_RING_DEFINE(bring, struct bring_req, struct bring_rsp)

/* Source byte j is (uint8_t)(j * 7); the chunk carrying seq starts at
 * source offset BRING_SRC_OFF(seq), so its byte i (>= 8) is: */
#define BRING_SRC_OFF(seq) (((uint32_t)(seq) & 63u) * 8u)
#define BRING_PATTERN(i, seq) ((uint8_t)(((uint32_t)(i) + BRING_SRC_OFF(seq)) * 7u))
#define BRING_SRC_EXTRA 512u /* source = chunk + this */

#endif
