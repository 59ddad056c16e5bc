/* consoled.h: the client protocol of hospes-consoled's UNIX socket (attach
 * to a domain's console, then bytes both ways). Self-contained; used by the
 * daemon and its clients. Normative: backends/consoled/README.md and
 * SPEC.md §16.
 *
 * Starting the daemon:
 *   hospes-consoled --socket PATH --state-dir DIR [--hv-socket PATH]
 *                   [--xs-socket PATH]
 * Without --socket it uses $HOSPES_CONSOLED_SOCKET, else
 * CONSOLED_DEFAULT_SOCKET. Integers are native-endian (little on x86-64). */
#ifndef PVABI_CONSOLED_H
#define PVABI_CONSOLED_H

#include <stddef.h>
#include <stdint.h>

#define CONSOLED_DEFAULT_SOCKET "/run/hospes/consoled.sock"
#define CONSOLED_SOCKET_ENV "HOSPES_CONSOLED_SOCKET"

/* Every frame, both directions: this header, then exactly len bytes. */
struct consoled_hdr {
	uint32_t type; /* enum consoled_type */
	uint32_t len;  /* payload bytes, <= CONSOLED_MAX_PAYLOAD */
};
_Static_assert(sizeof(struct consoled_hdr) == 8, "consoled_hdr");

#define CONSOLED_MAX_PAYLOAD 4096u

enum consoled_type {
	/* client -> daemon, once, first: payload struct consoled_attach. */
	CONSOLED_ATTACH = 1,
	/* daemon -> client: payload struct consoled_status; after ATTACH (0 =
	 * attached, else -errno and the daemon closes), and with status
	 * -ESRCH/-EPROTO when the domain goes away or is dropped (then close). */
	CONSOLED_STATUS = 2,
	/* both ways, after a successful attach: console bytes (len >= 1).
	 * Daemon -> client: guest output; client -> daemon: guest input. */
	CONSOLED_DATA = 3,
};

struct consoled_attach {
	uint32_t domid; /* IN */
	uint32_t flags; /* IN: 0 (others reserved, -EINVAL) */
};
_Static_assert(sizeof(struct consoled_attach) == 8, "consoled_attach");

struct consoled_status {
	int32_t status; /* OUT: 0 or -errno (Linux values) */
	uint32_t pad;
};
_Static_assert(sizeof(struct consoled_status) == 8, "consoled_status");

#endif
