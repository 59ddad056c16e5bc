/* hd_fixture.h: a private hospesd for the toolstack tests: socket and state
 * dir under a temp dir (hospesd starts its own hospes-hv and hospes-stored
 * there), JSON-RPC calls, raw socket exchanges and runs of the hospes CLI. */
#ifndef HOSPES_TEST_HD_FIXTURE_H
#define HOSPES_TEST_HD_FIXTURE_H

#include <stdbool.h>
#include <sys/types.h>

#include <json-c/json.h>

#include "rpc.h"

/* Starts hospesd (fails the test if it is not serving within 10 s). */
void hdfx_start(void);
/* The same with extra hospesd options (NULL-terminated, at most 3). */
void hdfx_start_args(const char *const extra[]);
/* SIGKILL hospesd only (its services keep running), then start it again
 * on the same state dir. */
void hdfx_kill_restart(void);
/* The same, killing hospesd's whole process group when group is true (as
 * a terminal's ^C or a service manager would). */
void hdfx_kill_group_restart(bool group);
/* SIGTERM; hospesd's exit code (-2 if it had to be killed, -3 if none was
 * running); also kills leftover services; removes the dir. */
int hdfx_stop(void);
/* hdfx_stop, expecting a clean end: exit code 0 (or no hospesd running)
 * and no service left behind. */
void hdfx_stop_clean(void);
/* Services hdfx_stop found still running (and killed). */
extern int hdfx_leftovers;
const char *hdfx_socket(void);
const char *hdfx_dir(void);
pid_t hdfx_pid(void);
char *hdfx_log(void); /* malloc'd */
/* pid of a service from its pid file ("hv", "stored", "consoled"), 0 if none. */
pid_t hdfx_service_pid(const char *which);

/* A call on a new connection; returns the whole reply object (owned). */
json_object *hdfx_call(const char *method, json_object *params);
/* Like hdfx_call; asserts success and returns the result (owned). */
json_object *hdfx_ok(const char *method, json_object *params);
/* Asserts an error reply with the given code; returns its message (static). */
const char *hdfx_err(const char *method, json_object *params, int code);
/* params {"domain": ref} */
json_object *hdfx_dom(const char *ref);

/* Sends raw bytes, reads one reply line (NULL if the connection closed
 * first or nothing came within ms). malloc'd. */
char *hdfx_raw(const char *bytes, size_t len, int ms);

struct hdfx_run {
	int status; /* exit code, 128+signal, -1 hung */
	char out[16384], err[4096];
};
/* Runs build/bin/hospes --socket S args... (NULL-terminated). */
struct hdfx_run hdfx_cli(const char *const args[]);
/* A file with text in the temp dir; its path (static buffer per name). */
const char *hdfx_file(const char *name, const char *text);

/* The domain's state in domain.list, NULL if not listed (static). */
const char *hdfx_state(const char *name);
/* Polls until hdfx_state(name) equals state (NULL: gone); 1 if so within ms. */
int hdfx_wait_state(const char *name, const char *state, int ms);
/* store.read of path through hospesd; the value (malloc'd), NULL if the
 * node does not exist. */
char *hdfx_store_read(const char *path);
/* Polls until path is gone from the store (or was never there); 1 if so
 * within ms. */
int hdfx_wait_gone(const char *path, int ms);
/* The domain's id from domain.info (asserts it has one). */
unsigned hdfx_domid(const char *name);
/* Polls the pid file of service which until it names a pid other than old;
 * that pid, or 0 if none came within ms. */
pid_t hdfx_wait_new_pid(const char *which, pid_t old, int ms);
/* Asserts that hospesd started service which ("blkback") and lists it as
 * hospes-<which> in host.status, SIGKILLs it and asserts that hospesd
 * starts it again within 10 s. */
void hdfx_expect_service_restart(const char *which);
/* `hospes console REF` with stdin from a file holding input. */
struct hdfx_run hdfx_console_with(const char *ref, const char *input);
/* A nido config (JSON) named name with the given cmdline and extra
 * members (",\"on_poweroff\":\"preserve\"" or ""). */
json_object *hdfx_nido_cfg(const char *name, const char *cmdline, const char *extra);

#endif
