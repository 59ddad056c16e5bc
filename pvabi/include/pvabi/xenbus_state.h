/* xenbus_state.h: split-driver handshake states and xenstore key names
 * shared by frontends and backends. Normative: SPEC.md §17. */
#ifndef PVABI_XENBUS_STATE_H
#define PVABI_XENBUS_STATE_H

/* Values of the "state" key (decimal text in xenstore). */
enum xenbus_state {
	XenbusStateUnknown = 0,
	XenbusStateInitialising = 1,
	XenbusStateInitWait = 2,
	XenbusStateInitialised = 3,
	XenbusStateConnected = 4,
	XenbusStateClosing = 5,
	XenbusStateClosed = 6,
	XenbusStateReconfiguring = 7,
	XenbusStateReconfigured = 8,
};

/* Link keys, present in both device directories. */
#define XENBUS_KEY_STATE "state"
#define XENBUS_KEY_BACKEND "backend"	     /* frontend dir: backend path */
#define XENBUS_KEY_BACKEND_ID "backend-id"   /* frontend dir: backend domid */
#define XENBUS_KEY_FRONTEND "frontend"	     /* backend dir: frontend path */
#define XENBUS_KEY_FRONTEND_ID "frontend-id" /* backend dir: frontend domid */
#define XENBUS_KEY_ONLINE "online"	     /* backend dir: "1"; "0" asks removal */

/* Frontend-written ring keys. */
#define XENBUS_KEY_RING_REF "ring-ref"		     /* single-page ring */
#define XENBUS_KEY_RING_REF_N "ring-ref%u"	     /* ring-ref0..N-1 */
#define XENBUS_KEY_RING_PAGE_ORDER "ring-page-order" /* log2 pages */
#define XENBUS_KEY_EVENT_CHANNEL "event-channel"
#define XENBUS_KEY_PROTOCOL "protocol"
#define XENBUS_PROTOCOL_X86_64 "x86_64-abi"

/* Block device keys (SPEC.md §18). */
#define XENBUS_KEY_VIRTUAL_DEVICE "virtual-device"
#define XENBUS_KEY_DEVICE_TYPE "device-type"
#define XENBUS_KEY_PARAMS "params" /* backend dir: image path */
#define XENBUS_KEY_MODE "mode"	   /* backend dir: "r" or "w" */
#define XENBUS_KEY_SECTORS "sectors"
#define XENBUS_KEY_SECTOR_SIZE "sector-size"
#define XENBUS_KEY_PHYS_SECTOR_SIZE "physical-sector-size"
#define XENBUS_KEY_INFO "info"
#define XENBUS_KEY_FEATURE_FLUSH "feature-flush-cache"
#define XENBUS_KEY_FEATURE_BARRIER "feature-barrier"
#define XENBUS_KEY_FEATURE_DISCARD "feature-discard"
#define XENBUS_KEY_DISCARD_GRANULARITY "discard-granularity"
#define XENBUS_KEY_DISCARD_ALIGNMENT "discard-alignment"
#define XENBUS_KEY_DISCARD_SECURE "discard-secure"
#define XENBUS_KEY_FEATURE_PERSISTENT "feature-persistent"
#define XENBUS_KEY_FEATURE_MAX_INDIRECT "feature-max-indirect-segments"
#define XENBUS_KEY_MAX_RING_PAGE_ORDER "max-ring-page-order"

#endif
