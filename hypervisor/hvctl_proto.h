/* hvctl_proto.h: checks of control-socket messages (pvabi/hvctl.h), shared
 * by the daemon (requests) and libhvctl (replies). Pure. */
#ifndef HOSPES_HVCTL_PROTO_H
#define HOSPES_HVCTL_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include <pvabi/hvctl.h>

/* A request header, before its payload is used. 0, or:
 *   -EMSGSIZE  length above HVCTL_MAX_PAYLOAD: close the connection
 *   -ENOSYS    unknown type (or a reply type): error reply
 *   -EBADMSG   length differs from the type's exact size: error reply
 *   -EBADF     nr_fds is not 0 (no request carries fds): error reply */
int hvctl_check_request(const struct hvctl_hdr *h);

/* Fields of a create request: strings NUL-terminated, pads and unknown
 * flags 0, counts in range, absolute paths. 0 or -EINVAL (why says
 * which field). */
int hvctl_check_create(const struct hvctl_create *c, const char **why);

/* A reply to a request of type req_type with id req_id, whose payload of
 * h->length bytes is at p and came with nfds descriptors. 0, or -EPROTO
 * when it is not a well-formed answer to that request. */
int hvctl_check_reply(uint32_t req_type, uint32_t req_id, const struct hvctl_hdr *h,
		      const void *p, unsigned nfds);

#endif
