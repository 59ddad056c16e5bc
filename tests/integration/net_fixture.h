/* net_fixture.h: what the network tests share: a network namespace the
 * test creates (hsp<pid>, removed at the end, also after a failure), a
 * temp dir, hospes-netback run inside the namespace (`ip netns exec`;
 * SIGTERM, SIGKILL and restart, its log and per-vif stats file), libxl's
 * vif directories in xenstore, and TAP checks. */
#ifndef HOSPES_TEST_NET_FIXTURE_H
#define HOSPES_TEST_NET_FIXTURE_H

#include <stdint.h>
#include <sys/types.h>

struct xsc;

/* A shell command (printf format) through system(): its exit status, -1
 * if it did not exit. */
int nfx_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Creates the namespace hsp<pid> with lo up (asserted). */
void nfx_ns_create(void);
/* Moves this process (and what it starts later) into it (asserted). */
void nfx_ns_enter(void);
/* Removes it, if created; a failure is printed, not asserted. */
void nfx_ns_remove(void);
const char *nfx_ns(void);

/* A temp dir /tmp/hospes-<tag>-XXXXXX (asserted): netback's state dir,
 * log (netback.err) and control socket (netback.sock). */
void nfx_dir_create(const char *tag);
/* Removes it with its contents, if created. */
void nfx_dir_remove(void);
const char *nfx_dir(void);
const char *nfx_ctl_socket(void);

/* Starts hospes-netback in the namespace on hv_socket and xs_socket
 * (with --socket nfx_ctl_socket() if ctl) and waits for its next
 * "ready" line; asserts it came. */
void nfx_netback_start(const char *hv_socket, const char *xs_socket, int ctl);
/* SIGTERM (harness_stop_child): its exit code; 0 if not running. */
int nfx_netback_stop(void);
/* SIGKILL, reaped: the crash of the recovery tests. */
void nfx_netback_kill(void);
pid_t nfx_netback_pid(void);
char *nfx_netback_log(void); /* malloc'd; NULL if none yet */
int nfx_netback_log_count(const char *what);

/* net_fixture_vif.c: libxl's vif directories and permissions in one transaction (retried on
 * a conflict; asserted): the backend's frontend, frontend-id, online,
 * state, handle, mac (and bridge if not NULL); the frontend's backend,
 * backend-id, state, handle and fe_mac (mac if NULL). */
void nfx_add_vif(struct xsc *xs, uint32_t domid, unsigned devid, const char *mac,
		 const char *fe_mac, const char *bridge);

/* 00:16:3e:00:<domid high byte>:<domid low byte> (a static buffer). */
const char *nfx_mac(uint32_t domid);
struct hvctl;
/* net_fixture_vif.c: creates guests/<guest>.elf (mem bytes, a store
 * page, not started), its home directory (name guest), vif 0
 * (nfx_add_vif; mac NULL: nfx_mac(domid)) and introduces it to
 * hospes-stored (guest_store_fixture; asserted). Its domid. */
uint32_t nfx_domain(struct hvctl *h, const char *guest, uint64_t mem, const char *cmdline,
		    const char *mac, const char *fe_mac, const char *bridge);

/* A counter from netback's <dir>/vif-<domid>-<devid>.stats; -1 if
 * absent. */
long long nfx_stat(uint32_t domid, unsigned devid, const char *key);

/* The TAP vif<domid>.0 exists and is up in the namespace. */
int nfx_tap_up(uint32_t domid);
/* Waits up to 5 s for it (asserted, with netback's log). */
void nfx_wait_tap(uint32_t domid);

#endif
