/* cons_proto.h: the framing of hospes-consoled's client protocol
 * (pvabi/consoled.h), pure functions shared by daemon, client and tests. */
#ifndef HOSPES_CONS_PROTO_H
#define HOSPES_CONS_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pvabi/consoled.h>

#define CONS_FRAME_MAX (sizeof(struct consoled_hdr) + CONSOLED_MAX_PAYLOAD)

/* Looks at the start of buf: 0 = incomplete (read more), > 0 = size of a
 * complete frame (header in *h, payload right after it), -EMSGSIZE = length
 * over CONSOLED_MAX_PAYLOAD, -EPROTO = unknown type. */
int cons_frame_parse(const uint8_t *buf, size_t len, struct consoled_hdr *h);

/* A frame a client may send in its state (attached or not): an ATTACH of
 * exactly 8 bytes with flags 0 first, then only DATA with len >= 1.
 * 0 or -EPROTO (-EINVAL for an attach with flags set). */
int cons_frame_check_client(bool attached, const struct consoled_hdr *h, const uint8_t *payload);

/* A frame the daemon may send: STATUS of exactly 8 bytes, or DATA with
 * len >= 1 once attached. 0 or -EPROTO. */
int cons_frame_check_daemon(bool attached, const struct consoled_hdr *h);

/* Writes a frame header + payload into out (room for CONS_FRAME_MAX);
 * returns its size. n <= CONSOLED_MAX_PAYLOAD. */
size_t cons_frame_build(uint8_t *out, uint32_t type, const void *payload, size_t n);

#endif
