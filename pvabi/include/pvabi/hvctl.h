/* hvctl.h: the hospes-hv control-socket protocol between hospes-hv and
 * dom0 programs (libhvctl). Self-contained, used by both sides. Normative
 * text: hypervisor/README.md "Control socket"; SPEC.md §10 points there.
 *
 * A UNIX stream socket. Every message is a struct hvctl_hdr followed by
 * exactly hdr.length payload bytes (all integers little-endian, which is
 * the host order on x86-64). A request's payload is exactly
 * hvctl_request_size(type) bytes and carries no file descriptors; the
 * reply has type HVCTL_REPLY_BIT | request type, the request's id, and a
 * payload that starts with struct hvctl_reply. Replies that pass file
 * descriptors (SCM_RIGHTS, attached to the reply's first byte) say how
 * many in hdr.nr_fds. Requests on one connection are answered in order,
 * except HVCTL_WAIT, whose reply comes when the state changes; other
 * requests are answered meanwhile. */
#ifndef PVABI_HVCTL_H
#define PVABI_HVCTL_H

#include <stdint.h>

#define HVCTL_DEFAULT_SOCKET "/run/hospes/hv.sock"
#define HVCTL_SOCKET_ENV "HOSPES_HV_SOCKET"

struct hvctl_hdr {
	uint32_t type;       /* HVCTL_* (requests) or HVCTL_REPLY_BIT | type */
	uint32_t length;     /* payload bytes after this header */
	uint32_t request_id; /* chosen by the client, echoed in the reply */
	uint32_t nr_fds;     /* file descriptors sent with this message */
};
_Static_assert(sizeof(struct hvctl_hdr) == 16, "hvctl_hdr");

/* Largest payload either side accepts; a longer message is a protocol
 * error and the connection is closed. */
#define HVCTL_MAX_PAYLOAD 8192u
#define HVCTL_MAX_FDS 2u

enum hvctl_type {
	HVCTL_CREATE = 1,      /* hvctl_create -> hvctl_create_reply */
	HVCTL_START = 2,       /* hvctl_domid -> (nothing) */
	HVCTL_PAUSE = 3,       /* hvctl_domid -> (nothing) */
	HVCTL_UNPAUSE = 4,     /* hvctl_domid -> (nothing) */
	HVCTL_DESTROY = 5,     /* hvctl_domid -> (nothing) */
	HVCTL_INFO = 6,        /* hvctl_domid -> hvctl_dominfo */
	HVCTL_SET_MAXMEM = 7,  /* hvctl_set_maxmem -> (nothing) */
	HVCTL_WAIT = 8,        /* hvctl_wait -> hvctl_dominfo */
	HVCTL_BIND_EVTCHN = 9, /* hvctl_bind_evtchn -> hvctl_bind_reply + 2 fds */
	HVCTL_GET_MEMFD = 10,  /* hvctl_domid -> hvctl_memory + 1 fd */
	HVCTL_LIST = 11,       /* (empty) -> hvctl_list */
	/* Grant tables (SPEC.md §14.7): dom0 as a grantee. */
	HVCTL_GNT_MAP = 12,    /* hvctl_gnt_map -> hvctl_gnt_map_reply */
	HVCTL_GNT_UNMAP = 13,  /* hvctl_gnt_unmap -> hvctl_gnt_unmap_reply */
	HVCTL_GNT_COPY = 14,   /* hvctl_gnt_copy -> hvctl_gnt_copy_reply */
	HVCTL_TYPE_MAX = 14,
};
#define HVCTL_REPLY_BIT 0x80000000u

/* ---- requests (all fields IN) ---- */

#define HVCTL_PATH_MAX 256u    /* bytes including the NUL */
#define HVCTL_CMDLINE_MAX 1024u
#define HVCTL_MAX_MODULES 4u

struct hvctl_create {
	uint64_t mem;         /* RAM bytes: multiple of 4 KiB, 2 MiB..512 GiB */
	uint64_t maxmem;      /* maximum reservation bytes, 0 = mem */
	uint32_t vcpus;       /* 1..8 */
	uint32_t nr_modules;  /* 0..HVCTL_MAX_MODULES */
	uint32_t flags;       /* HVCTL_CREATE_*; unknown bits -EINVAL */
	uint32_t pad;         /* 0 */
	char kernel[HVCTL_PATH_MAX];  /* NUL-terminated absolute path */
	char cmdline[HVCTL_CMDLINE_MAX]; /* NUL-terminated */
	char modules[HVCTL_MAX_MODULES][HVCTL_PATH_MAX]; /* first nr_modules used */
};
_Static_assert(sizeof(struct hvctl_create) == 32 + 256 + 1024 + 4 * 256, "hvctl_create");
#define HVCTL_CREATE_START 1u /* start vCPU 0 right away */
/* Give the guest a xenstore ring page and port (SPEC.md §1.4, §13). */
#define HVCTL_CREATE_XENSTORE 2u
/* Console: give the guest a PV console ring page and port (SPEC.md §16). */
#define HVCTL_CREATE_CONSOLE 4u

struct hvctl_domid {
	uint32_t domid;
	uint32_t pad; /* 0 */
};
_Static_assert(sizeof(struct hvctl_domid) == 8, "hvctl_domid");

struct hvctl_set_maxmem {
	uint32_t domid;
	uint32_t pad;      /* 0 */
	uint64_t max_bytes; /* multiple of 4 KiB, > 0 */
};
_Static_assert(sizeof(struct hvctl_set_maxmem) == 16, "hvctl_set_maxmem");

struct hvctl_wait {
	uint32_t domid;
	uint32_t generation; /* the last one seen; reply when it differs */
	uint32_t timeout_ms; /* 0 = no timeout; else -ETIMEDOUT after it */
	uint32_t pad;        /* 0 */
};
_Static_assert(sizeof(struct hvctl_wait) == 16, "hvctl_wait");

struct hvctl_bind_evtchn {
	uint32_t domid;
	uint32_t port; /* guest port unbound for dom 0; 0 = allocate one */
};
_Static_assert(sizeof(struct hvctl_bind_evtchn) == 8, "hvctl_bind_evtchn");

/* Grant tables: dom0 maps refs a domain granted to domain 0. Each ref
 * is validated and marked in use (GTF_reading/writing) exactly as for a
 * guest grantee; the reply gives the granted frame's byte offset in the
 * granter's RAM memfd (HVCTL_GET_MEMFD), which dom0 maps itself. The
 * mappings belong to the connection: GNT_UNMAP or closing it ends them. */
#define HVCTL_GNT_BATCH 64u     /* refs / handles per message */
#define HVCTL_GNT_READONLY 1u   /* hvctl_gnt_map.flags */

struct hvctl_gnt_map {
	uint32_t domid;  /* the granter */
	uint32_t count;  /* 1..HVCTL_GNT_BATCH */
	uint32_t flags;  /* HVCTL_GNT_READONLY; other bits -EINVAL */
	uint32_t pad;    /* 0 */
	uint32_t refs[HVCTL_GNT_BATCH]; /* first count used */
};
_Static_assert(sizeof(struct hvctl_gnt_map) == 16 + 64 * 4, "hvctl_gnt_map");

struct hvctl_gnt_unmap {
	uint32_t count; /* 1..HVCTL_GNT_BATCH */
	uint32_t pad;   /* 0 */
	uint32_t handles[HVCTL_GNT_BATCH];
};
_Static_assert(sizeof(struct hvctl_gnt_unmap) == 8 + 64 * 4, "hvctl_gnt_unmap");

/* GNT_COPY: up to HVCTL_GNT_COPY_SEGS pieces of granted frames, each
 * within one page. Bytes for TO_GUEST segments come inline in data, back
 * to back in segment order; bytes of the other segments return the same
 * way in the reply's data (zeros for a failed segment). The total length
 * of all segments is at most HVCTL_GNT_COPY_BYTES. */
#define HVCTL_GNT_COPY_SEGS 8u
#define HVCTL_GNT_COPY_BYTES 4096u
#define HVCTL_GNT_TO_GUEST 1u /* hvctl_gnt_seg.flags: write (needs a writable grant) */

struct hvctl_gnt_seg {
	uint32_t ref;
	uint16_t offset; /* in the page */
	uint16_t len;    /* offset + len <= 4096 */
	uint32_t flags;  /* HVCTL_GNT_TO_GUEST */
	uint32_t pad;    /* 0 */
};
_Static_assert(sizeof(struct hvctl_gnt_seg) == 16, "hvctl_gnt_seg");

struct hvctl_gnt_copy {
	uint32_t domid; /* the granter */
	uint32_t count; /* 1..HVCTL_GNT_COPY_SEGS */
	struct hvctl_gnt_seg segs[HVCTL_GNT_COPY_SEGS];
	uint8_t data[HVCTL_GNT_COPY_BYTES];
};
_Static_assert(sizeof(struct hvctl_gnt_copy) == 8 + 8 * 16 + 4096, "hvctl_gnt_copy");

/* ---- replies (all fields OUT) ---- */

struct hvctl_reply {
	int32_t status; /* 0 or -errno (Linux values) */
	uint32_t pad;
};
_Static_assert(sizeof(struct hvctl_reply) == 8, "hvctl_reply");

struct hvctl_create_reply {
	struct hvctl_reply r;
	uint32_t domid;
	uint32_t pad;
};
_Static_assert(sizeof(struct hvctl_create_reply) == 16, "hvctl_create_reply");

enum hvctl_state {
	HVCTL_STATE_CREATED = 0,  /* built, not started */
	HVCTL_STATE_RUNNING = 1,
	HVCTL_STATE_PAUSED = 2,
	HVCTL_STATE_SHUTDOWN = 3, /* the guest shut down; see shutdown_reason */
	HVCTL_STATE_FAULT = 4,    /* hypervisor-detected guest fault */
	HVCTL_STATE_DESTROYED = 5, /* destroyed; gone from the list once its vCPUs stopped */
	HVCTL_STATE_ERROR = 6,    /* hospes-hv failed the domain */
};

struct hvctl_dominfo {
	struct hvctl_reply r;
	uint32_t domid;
	uint32_t state;           /* enum hvctl_state */
	uint32_t generation;      /* bumped on every state change */
	uint32_t shutdown_reason; /* SHUTDOWN_* when state == SHUTDOWN */
	uint32_t vcpus;           /* vCPUs the domain has */
	uint32_t online_vcpus;    /* vCPUs up (not VCPUOP_down) */
	uint64_t mem_cur_bytes;   /* memory the domain holds */
	uint64_t mem_max_bytes;   /* its maximum reservation */
	uint64_t cpu_ns;          /* host CPU time of its vCPU threads */
	uint32_t owner_uid;       /* creator, from its socket credentials */
	uint32_t owner_pid;
	uint64_t store_pfn;       /* xenstore ring frame, 0 = no xenstore page */
	uint32_t store_port;      /* guest port unbound for dom 0, 0 = none */
	uint32_t pad2;
	/* Console (SPEC.md §16): ring frame and guest port, 0 = none. */
	uint64_t console_pfn;
	uint32_t console_port;
	uint32_t pad3;
	/* Boot accounting, ns, 0 until known: building the domain (CREATE),
	 * and from its start to its first console output (console_io, a line
	 * on port 0xE9 or a send on the console ring's port), with the part
	 * hospes-hv spent outside KVM_RUN and the guest's part inside it (of
	 * the vCPU that wrote). */
	uint64_t build_ns;
	uint64_t boot_console_ns;
	uint64_t boot_hv_ns;
	uint64_t boot_guest_ns;
};
_Static_assert(sizeof(struct hvctl_dominfo) == 128, "hvctl_dominfo");

struct hvctl_bind_reply {
	struct hvctl_reply r;
	uint32_t port;     /* the guest port (allocated if 0 was asked) */
	uint32_t endpoint; /* dom0 endpoint id */
	/* fds[0]: notify eventfd (guest sent), fds[1]: kick eventfd (to guest) */
};
_Static_assert(sizeof(struct hvctl_bind_reply) == 16, "hvctl_bind_reply");

struct hvctl_mem_range {
	uint64_t gpa;        /* guest-physical start */
	uint64_t size;       /* bytes */
	uint64_t fd_offset;  /* where it starts in the memfd */
};
_Static_assert(sizeof(struct hvctl_mem_range) == 24, "hvctl_mem_range");

#define HVCTL_MEM_RANGES 2u

struct hvctl_memory {
	struct hvctl_reply r;
	uint64_t size;      /* RAM bytes (the memfd's size) */
	uint32_t nr_ranges; /* 1..HVCTL_MEM_RANGES */
	uint32_t pad;
	struct hvctl_mem_range ranges[HVCTL_MEM_RANGES];
	/* fds[0]: the guest RAM memfd (map it MAP_SHARED) */
};
_Static_assert(sizeof(struct hvctl_memory) == 24 + 2 * 24, "hvctl_memory");

#define HVCTL_LIST_MAX 1024u

struct hvctl_list {
	struct hvctl_reply r;
	uint32_t count;
	uint32_t pad;
	uint32_t domids[]; /* count entries, ascending */
};
_Static_assert(sizeof(struct hvctl_list) == 16, "hvctl_list");
_Static_assert(16 + HVCTL_LIST_MAX * 4 <= HVCTL_MAX_PAYLOAD, "list fits");

/* Grant tables: per-entry results are GNTST_* values (grant_table.h). */
struct hvctl_gnt_mapping {
	int32_t status;  /* GNTST_* */
	uint32_t handle; /* for GNT_UNMAP */
	uint64_t offset; /* byte offset of the frame in the granter's memfd */
};
_Static_assert(sizeof(struct hvctl_gnt_mapping) == 16, "hvctl_gnt_mapping");

struct hvctl_gnt_map_reply {
	struct hvctl_reply r;
	uint32_t count;
	uint32_t pad;
	struct hvctl_gnt_mapping maps[HVCTL_GNT_BATCH];
};
_Static_assert(sizeof(struct hvctl_gnt_map_reply) == 16 + 64 * 16, "hvctl_gnt_map_reply");

struct hvctl_gnt_unmap_reply {
	struct hvctl_reply r;
	uint32_t count;
	uint32_t pad;
	int32_t status[HVCTL_GNT_BATCH]; /* GNTST_* */
};
_Static_assert(sizeof(struct hvctl_gnt_unmap_reply) == 16 + 64 * 4, "hvctl_gnt_unmap_reply");

struct hvctl_gnt_copy_reply {
	struct hvctl_reply r;
	uint32_t count;
	uint32_t pad;
	int32_t status[HVCTL_GNT_COPY_SEGS]; /* GNTST_* */
	uint8_t data[HVCTL_GNT_COPY_BYTES];
};
_Static_assert(sizeof(struct hvctl_gnt_copy_reply) == 16 + 32 + 4096, "hvctl_gnt_copy_reply");
_Static_assert(sizeof(struct hvctl_gnt_copy) <= HVCTL_MAX_PAYLOAD, "gnt copy fits");

/* ---- the exact-size table: checked before a payload is used ---- */

/* Payload bytes of a request of type t, or -1 for an unknown type. */
static inline int32_t hvctl_request_size(uint32_t t)
{
	switch (t) {
	case HVCTL_CREATE: return (int32_t)sizeof(struct hvctl_create);
	case HVCTL_START:
	case HVCTL_PAUSE:
	case HVCTL_UNPAUSE:
	case HVCTL_DESTROY:
	case HVCTL_INFO:
	case HVCTL_GET_MEMFD: return (int32_t)sizeof(struct hvctl_domid);
	case HVCTL_SET_MAXMEM: return (int32_t)sizeof(struct hvctl_set_maxmem);
	case HVCTL_WAIT: return (int32_t)sizeof(struct hvctl_wait);
	case HVCTL_BIND_EVTCHN: return (int32_t)sizeof(struct hvctl_bind_evtchn);
	case HVCTL_LIST: return 0;
	case HVCTL_GNT_MAP: return (int32_t)sizeof(struct hvctl_gnt_map);
	case HVCTL_GNT_UNMAP: return (int32_t)sizeof(struct hvctl_gnt_unmap);
	case HVCTL_GNT_COPY: return (int32_t)sizeof(struct hvctl_gnt_copy);
	default: return -1;
	}
}

/* Minimum payload of a successful reply to request type t (a failed reply
 * is exactly struct hvctl_reply), or -1; HVCTL_LIST replies add 4 bytes per
 * domain. */
static inline int32_t hvctl_reply_size(uint32_t t)
{
	switch (t) {
	case HVCTL_CREATE: return (int32_t)sizeof(struct hvctl_create_reply);
	case HVCTL_START:
	case HVCTL_PAUSE:
	case HVCTL_UNPAUSE:
	case HVCTL_DESTROY:
	case HVCTL_SET_MAXMEM: return (int32_t)sizeof(struct hvctl_reply);
	case HVCTL_INFO:
	case HVCTL_WAIT: return (int32_t)sizeof(struct hvctl_dominfo);
	case HVCTL_BIND_EVTCHN: return (int32_t)sizeof(struct hvctl_bind_reply);
	case HVCTL_GET_MEMFD: return (int32_t)sizeof(struct hvctl_memory);
	case HVCTL_LIST: return (int32_t)sizeof(struct hvctl_list);
	case HVCTL_GNT_MAP: return (int32_t)sizeof(struct hvctl_gnt_map_reply);
	case HVCTL_GNT_UNMAP: return (int32_t)sizeof(struct hvctl_gnt_unmap_reply);
	case HVCTL_GNT_COPY: return (int32_t)sizeof(struct hvctl_gnt_copy_reply);
	default: return -1;
	}
}

/* File descriptors a successful reply to request type t carries. */
static inline uint32_t hvctl_reply_fds(uint32_t t)
{
	return t == HVCTL_BIND_EVTCHN ? 2u : t == HVCTL_GET_MEMFD ? 1u : 0u;
}

#endif
