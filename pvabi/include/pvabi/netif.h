/* netif.h: the PV network device protocol (transmit and receive rings).
 * Self-contained, used by both sides: guest frontends (freestanding) and
 * the dom0 backend. Normative: SPEC.md §19.
 *
 * Two one-page rings per device. On the TX ring the frontend hands the
 * backend packets to send (each in one or more granted pieces); on the RX
 * ring it posts empty granted pages the backend copies received packets
 * into ("rx-copy", the only receive mode). Frames are Ethernet, without
 * the FCS. */
#ifndef PVABI_NETIF_H
#define PVABI_NETIF_H

#include <stddef.h>
#include <stdint.h>

#include "ring.h"

/* ---- TX request flags (netif_tx_request.flags) ---------------------------- */
#define NETTXF_csum_blank 0x1u	   /* checksum not yet computed */
#define NETTXF_data_validated 0x2u /* checksum known good */
#define NETTXF_more_data 0x4u	   /* another piece of this packet follows */
#define NETTXF_extra_info 0x8u	   /* a netif_extra_info slot follows */

/* ---- RX response flags (netif_rx_response.flags) -------------------------- */
#define NETRXF_data_validated 0x1u
#define NETRXF_csum_blank 0x2u
#define NETRXF_more_data 0x4u
#define NETRXF_extra_info 0x8u
#define NETRXF_gso_prefix 0x10u

/* ---- Response status ------------------------------------------------------ */
#define NETIF_RSP_DROPPED (-2)
#define NETIF_RSP_ERROR (-1)
#define NETIF_RSP_OKAY 0
#define NETIF_RSP_NULL 1 /* the slot carried an extra_info, no data */

/* ---- Extra info ----------------------------------------------------------- */
#define XEN_NETIF_EXTRA_TYPE_NONE 0u
#define XEN_NETIF_EXTRA_TYPE_GSO 1u
#define XEN_NETIF_EXTRA_TYPE_MCAST_ADD 2u
#define XEN_NETIF_EXTRA_TYPE_MCAST_DEL 3u
#define XEN_NETIF_EXTRA_TYPE_HASH 4u
#define XEN_NETIF_EXTRA_TYPE_MAX 5u
#define XEN_NETIF_EXTRA_FLAG_MORE 0x1u

#define XEN_NETIF_GSO_TYPE_NONE 0u
#define XEN_NETIF_GSO_TYPE_TCPV4 1u
#define XEN_NETIF_GSO_TYPE_TCPV6 2u

/* ---- Limits --------------------------------------------------------------- */
/* A backend accepts packets of at least this many TX slots. */
#define XEN_NETIF_NR_SLOTS_MIN 18u
/* Largest packet the TX ring can describe (first request's size is u16). */
#define XEN_NETIF_MAX_TX_SIZE 0xFFFFu
/* Ethernet: header 14 bytes, default MTU 1500. */
#define NETIF_ETH_HLEN 14u
#define NETIF_ETH_MIN_FRAME 14u
#define NETIF_DEFAULT_MTU 1500u

/* One TX slot, 12 bytes. In the first slot of a packet `size` is the whole
 * packet's length; in later slots (NETTXF_more_data chain) the piece's. */
struct netif_tx_request {
	uint32_t gref;	 /* IN grant of the page holding this piece */
	uint16_t offset; /* IN offset of the piece in the page */
	uint16_t flags;	 /* IN NETTXF_* */
	uint16_t id;	 /* IN echoed in the response */
	uint16_t size;	 /* IN packet length (first slot) or piece length */
};
_Static_assert(sizeof(struct netif_tx_request) == 12, "netif_tx_request is 12 bytes");
_Static_assert(offsetof(struct netif_tx_request, offset) == 4, "offset");
_Static_assert(offsetof(struct netif_tx_request, flags) == 6, "flags");
_Static_assert(offsetof(struct netif_tx_request, id) == 8, "id");
_Static_assert(offsetof(struct netif_tx_request, size) == 10, "size");

/* One TX response, 4 bytes: one per request slot, in any order. */
struct netif_tx_response {
	uint16_t id;	/* OUT the request's id */
	int16_t status; /* OUT NETIF_RSP_* */
};
_Static_assert(sizeof(struct netif_tx_response) == 4, "netif_tx_response is 4 bytes");
_Static_assert(offsetof(struct netif_tx_response, status) == 2, "status");

/* One RX slot, 8 bytes: an empty page offered for a received packet. */
struct netif_rx_request {
	uint16_t id; /* IN echoed in the response */
	uint16_t pad;
	uint32_t gref; /* IN grant of the (writable) page */
};
_Static_assert(sizeof(struct netif_rx_request) == 8, "netif_rx_request is 8 bytes");
_Static_assert(offsetof(struct netif_rx_request, gref) == 4, "gref");

/* One RX response, 8 bytes. */
struct netif_rx_response {
	uint16_t id;	 /* OUT the request's id */
	uint16_t offset; /* OUT where the data starts in the page */
	uint16_t flags;	 /* OUT NETRXF_* */
	int16_t status;	 /* OUT byte count (>= 0) or NETIF_RSP_* (< 0) */
};
_Static_assert(sizeof(struct netif_rx_response) == 8, "netif_rx_response is 8 bytes");
_Static_assert(offsetof(struct netif_rx_response, offset) == 2, "offset");
_Static_assert(offsetof(struct netif_rx_response, flags) == 4, "flags");
_Static_assert(offsetof(struct netif_rx_response, status) == 6, "status");

/* An extra-info slot (follows a request with NETTXF_extra_info, or a
 * response with NETRXF_extra_info), 8 bytes. */
struct netif_extra_info {
	uint8_t type;  /* XEN_NETIF_EXTRA_TYPE_* */
	uint8_t flags; /* XEN_NETIF_EXTRA_FLAG_* */
	union {
		struct {
			uint16_t size; /* GSO segment size */
			uint8_t type;  /* XEN_NETIF_GSO_TYPE_* */
			uint8_t pad;
			uint16_t features;
		} gso;
		struct {
			uint8_t addr[6];
		} mcast;
		uint16_t pad[3];
	} u;
};
_Static_assert(sizeof(struct netif_extra_info) == 8, "netif_extra_info is 8 bytes");
_Static_assert(offsetof(struct netif_extra_info, u) == 2, "union at 2");

/* The typed rings: struct netif_tx_sring / netif_tx_front / netif_tx_back
 * (entry 12 bytes, 256 slots per page) and netif_rx_* (entry 8 bytes, 256
 * slots per page). Both are always one page. */
PVABI_RING_DEFINE(netif_tx, struct netif_tx_request, struct netif_tx_response)
PVABI_RING_DEFINE(netif_rx, struct netif_rx_request, struct netif_rx_response)
_Static_assert(sizeof(union netif_tx_entry) == 12, "netif tx ring entry is 12 bytes");
_Static_assert(sizeof(union netif_rx_entry) == 8, "netif rx ring entry is 8 bytes");

#define NETIF_TX_RING_SIZE 256u
#define NETIF_RX_RING_SIZE 256u

#endif
