/* test_hospesd_robust.c: hospesd when its services misbehave: a SIGSTOPped
 * hospes-stored or hospes-hv gets requests -32003 (bounded, the connection
 * dropped and made again once it answers) while answers from the records
 * and other clients go on; store watches set through hospesd survive a
 * restart of hospes-stored; domains hospes-hv holds without a record are
 * listed as unmanaged and can be inspected, paused and destroyed. */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "hd_fixture.h"

static pid_t stopped_pid;

static void setup(void)
{
	stopped_pid = 0;
	hdfx_start();
}

static void teardown(void)
{
	if (stopped_pid > 0) /* a failed test must not leave a service stopped */
		kill(stopped_pid, SIGCONT);
	hdfx_stop_clean();
}

TestSuite(hospesd_robust, .init = setup, .fini = teardown, .timeout = 120);

static json_object *path_params(const char *path, const char *value)
{
	json_object *p = json_object_new_object();

	json_object_object_add(p, "path", json_object_new_string(path));
	if (value)
		json_object_object_add(p, "value", json_object_new_string(value));
	return p;
}

/* State letter of pid in /proc/PID/stat (after the command's ')'). */
static char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] ? p[2] : 0;
}

/* SIGSTOP, and wait until every thread of it has stopped (kill only
 * queues the stop). */
static void stop_service(const char *which)
{
	stopped_pid = hdfx_service_pid(which);
	cr_assert_gt(stopped_pid, 0, "%s", which);
	cr_assert_eq(kill(stopped_pid, SIGSTOP), 0);
	for (int i = 0; i < 500 && proc_state(stopped_pid) != 'T'; i++)
		usleep(10000);
	cr_assert_eq(proc_state(stopped_pid), 'T', "%s did not stop", which);
}

static void cont_service(void)
{
	cr_assert_eq(kill(stopped_pid, SIGCONT), 0);
	stopped_pid = 0;
}

/* Answers that need no service: version, and a new client is served. */
static void records_still_answer(const char *name)
{
	json_object *res = hdfx_ok("version", NULL), *v;

	cr_assert(json_object_object_get_ex(res, "api", &v));
	json_object_put(res);
	cr_assert_not_null(hdfx_state(name), "%s not listed", name);
	json_object_put(hdfx_ok("host.status", NULL));
}

/* Answers that need no service: version, the list from the records (here
 * empty: hospes-hv answers, hospes-stored is not asked), host.status. */
static void still_served(void)
{
	json_object *res = hdfx_ok("version", NULL), *v;

	cr_assert(json_object_object_get_ex(res, "api", &v));
	json_object_put(res);
	json_object_put(hdfx_ok("domain.list", NULL));
	json_object_put(hdfx_ok("host.status", NULL));
}

/* host.status's responding flag of a service. */
static bool responding(const char *svc)
{
	json_object *res = hdfx_ok("host.status", NULL), *s, *o, *v;
	bool yes;

	cr_assert(json_object_object_get_ex(res, "services", &s));
	cr_assert(json_object_object_get_ex(s, svc, &o), "%s", svc);
	cr_assert(json_object_object_get_ex(o, "responding", &v), "%s", svc);
	yes = json_object_get_boolean(v);
	json_object_put(res);
	return yes;
}

Test(hospesd_robust, stopped_stored_gives_unreachable_then_recovers)
{
	json_object *res, *v;
	const char *m;
	char *log;

	json_object_put(hdfx_ok("store.write", path_params("/robust/a", "1")));
	stop_service("stored");
	/* the first request waits out the bound, later ones fail at once */
	m = hdfx_err("store.read", path_params("/robust/a", NULL), RPC_UNAVAILABLE);
	cr_assert(strstr(m, "hospes-stored is not reachable"), "%s", m);
	m = hdfx_err("store.write", path_params("/robust/a", "2"), RPC_UNAVAILABLE);
	cr_assert(strstr(m, "hospes-stored"), "%s", m);
	hdfx_err("store.watch", path_params("/robust/w", NULL), RPC_UNAVAILABLE);
	still_served();
	cr_assert_not(responding("hospes-stored"));
	cr_assert(responding("hospes-hv"));
	/* the CLI prints the message and exits 1 */
	struct hdfx_run r = hdfx_cli((const char *[]){ "store", "read", "/robust/a", NULL });

	cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.err);
	cr_assert(strstr(r.err, "hospes-stored is not reachable"), "%s", r.err);
	log = hdfx_log();
	cr_assert(strstr(log, "hospes-stored (pid"), "%s", log);
	cr_assert(strstr(log, "connection dropped"), "%s", log);
	free(log);
	cont_service();
	/* a new connection: the late reply of the timed-out read is never
	 * taken for this one's */
	res = hdfx_ok("store.read", path_params("/robust/a", NULL));
	cr_assert(json_object_object_get_ex(res, "value", &v));
	cr_assert_str_eq(json_object_get_string(v), "1");
	json_object_put(res);
	json_object_put(hdfx_ok("store.write", path_params("/robust/a", "3")));
	res = hdfx_ok("store.read", path_params("/robust/a", NULL));
	json_object_object_get_ex(res, "value", &v);
	cr_assert_str_eq(json_object_get_string(v), "3");
	json_object_put(res);
	log = hdfx_log();
	cr_assert(strstr(log, "hospes-stored (pid") && strstr(log, "answers again"), "%s", log);
	free(log);
	cr_assert(responding("hospes-stored"));
}

/* Without a guest: a domain id hospesd has no record of must be asked of
 * hospes-hv (it may hold it unmanaged). */
Test(hospesd_robust, stopped_hv_unknown_domid_unreachable)
{
	struct hdfx_run r;
	const char *m;
	char *log;

	hdfx_err("domain.info", hdfx_dom("7"), RPC_NO_DOMAIN);
	stop_service("hv");
	m = hdfx_err("domain.info", hdfx_dom("7"), RPC_UNAVAILABLE);
	cr_assert(strstr(m, "hospes-hv is not reachable"), "%s", m);
	m = hdfx_err("domain.pause", hdfx_dom("7"), RPC_UNAVAILABLE);
	cr_assert(strstr(m, "hospes-hv is not reachable"), "%s", m);
	/* a name is looked up in the records only */
	hdfx_err("domain.info", hdfx_dom("ghost"), RPC_NO_DOMAIN);
	hdfx_err("domain.create", hdfx_nido_cfg("nope", "", ""), RPC_UNAVAILABLE);
	json_object_put(hdfx_ok("store.write", path_params("/robust/h", "x")));
	json_object_put(hdfx_ok("version", NULL));
	json_object_put(hdfx_ok("domain.list", NULL));
	r = hdfx_cli((const char *[]){ "info", "7", NULL });
	cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.err);
	cr_assert(strstr(r.err, "hospes-hv is not reachable"), "%s", r.err);
	log = hdfx_log();
	cr_assert(strstr(log, "hospes-hv (pid") && strstr(log, "connection dropped"), "%s", log);
	free(log);
	cont_service();
	hdfx_err("domain.info", hdfx_dom("7"), RPC_NO_DOMAIN);
	log = hdfx_log();
	cr_assert(strstr(log, "hospes-hv (pid") && strstr(log, "answers again"), "%s", log);
	free(log);
}

Test(hospesd_robust, stopped_hv_gives_unreachable_then_recovers)
{
	json_object *res, *v;
	struct hdfx_run r;
	const char *m;
	char *log;

	json_object_put(hdfx_ok("domain.create", hdfx_nido_cfg("rh", "script=sleep 60000", "")));
	cr_assert(hdfx_wait_state("rh", "running", 10000));
	stop_service("hv");
	m = hdfx_err("domain.info", hdfx_dom("rh"), RPC_UNAVAILABLE);
	cr_assert(strstr(m, "hospes-hv is not reachable"), "%s", m);
	m = hdfx_err("domain.pause", hdfx_dom("rh"), RPC_UNAVAILABLE);
	cr_assert(strstr(m, "hospes-hv"), "%s", m);
	/* destroy must not forget a domain a stopped hospes-hv still holds */
	hdfx_err("domain.destroy", hdfx_dom("rh"), RPC_UNAVAILABLE);
	records_still_answer("rh");
	r = hdfx_cli((const char *[]){ "info", "rh", NULL });
	cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.err);
	cr_assert(strstr(r.err, "hospes-hv is not reachable"), "%s", r.err);
	r = hdfx_cli((const char *[]){ "list", NULL });
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cr_assert(strstr(r.out, "rh"), "%s", r.out);
	log = hdfx_log();
	cr_assert(strstr(log, "hospes-hv (pid") && strstr(log, "connection dropped"), "%s", log);
	free(log);
	cont_service();
	res = hdfx_ok("domain.info", hdfx_dom("rh"));
	cr_assert(json_object_object_get_ex(res, "managed", &v) && json_object_get_boolean(v));
	json_object_put(res);
	json_object_put(hdfx_ok("domain.pause", hdfx_dom("rh")));
	cr_assert(hdfx_wait_state("rh", "paused", 10000), "%s", hdfx_log());
	json_object_put(hdfx_ok("domain.destroy", hdfx_dom("rh")));
	cr_assert(hdfx_wait_state("rh", NULL, 10000));
}

/* The next store.watch_event for path on c (skipping other messages). */
static int next_watch_event(struct rpc_client *c, const char *path, int ms)
{
	for (int waited = 0; waited < ms; waited += 200) {
		json_object *msg, *v, *p;
		int r = rpc_client_next(c, &msg, 200), hit = 0;

		if (r == -ETIMEDOUT)
			continue;
		cr_assert_eq(r, 0, "next: %s", strerror(-r));
		if (json_object_object_get_ex(msg, "method", &v) &&
		    !strcmp(json_object_get_string(v), "store.watch_event") &&
		    json_object_object_get_ex(msg, "params", &p) &&
		    json_object_object_get_ex(p, "path", &v))
			hit = !strcmp(json_object_get_string(v), path);
		json_object_put(msg);
		if (hit)
			return 1;
	}
	return 0;
}

Test(hospesd_robust, watch_survives_stored_restart)
{
	struct rpc_client *c;
	json_object *rep, *v;
	pid_t old = hdfx_service_pid("stored");
	char *log;

	cr_assert_eq(rpc_client_connect(hdfx_socket(), &c), 0);
	cr_assert_eq(rpc_client_call(c, "store.watch", path_params("/robust/w", NULL), &rep), 0);
	cr_assert(json_object_object_get_ex(rep, "result", &v), "%s", json_object_to_json_string(rep));
	json_object_put(rep);
	cr_assert(next_watch_event(c, "/robust/w", 5000), "no first event");
	json_object_put(hdfx_ok("store.write", path_params("/robust/w", "before")));
	cr_assert(next_watch_event(c, "/robust/w", 5000), "no event before the restart");
	cr_assert_eq(kill(old, SIGKILL), 0);
	/* supervision starts a new hospes-stored; the watch is set on it and
	 * fires once, as a new watch does */
	for (int i = 0; i < 200 && (hdfx_service_pid("stored") <= 0 ||
				    hdfx_service_pid("stored") == old); i++)
		usleep(50000);
	cr_assert_neq(hdfx_service_pid("stored"), old);
	cr_assert(next_watch_event(c, "/robust/w", 10000), "the watch did not fire on the new daemon\n%s",
		  hdfx_log());
	json_object_put(hdfx_ok("store.write", path_params("/robust/w", "after")));
	cr_assert(next_watch_event(c, "/robust/w", 5000), "no event after the restart\n%s", hdfx_log());
	log = hdfx_log();
	cr_assert(strstr(log, "client watch set again"), "%s", log);
	free(log);
	rpc_client_close(c);
}

/* hospes-hvctl against hospesd's own hospes-hv: a domain without a record. */
static int hvctl_create(void)
{
	char cmd[512];
	FILE *f;
	int domid = -1;

	snprintf(cmd, sizeof(cmd), "%s --socket %s/st/hv.sock create %s --mem 32M --cmdline "
		 "'script=sleep 60000'", harness_path("bin/hospes-hvctl"), hdfx_dir(),
		 harness_path("guests/nido.elf"));
	f = popen(cmd, "r");
	cr_assert_not_null(f);
	if (fscanf(f, "%d", &domid) != 1)
		domid = -1;
	pclose(f);
	return domid;
}

static json_object *listed(int domid)
{
	json_object *res = hdfx_ok("domain.list", NULL), *arr, *v, *found = NULL;

	json_object_object_get_ex(res, "domains", &arr);
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *d = json_object_array_get_idx(arr, i);

		if (json_object_object_get_ex(d, "domid", &v) && json_object_get_int(v) == domid)
			found = json_object_get(d);
	}
	json_object_put(res);
	return found;
}

Test(hospesd_robust, unmanaged_domains_listed_and_destroyed)
{
	json_object *d, *v, *p;
	char ref[16];
	struct hdfx_run r;
	const char *m;
	int domid;

	json_object_put(hdfx_ok("domain.create", hdfx_nido_cfg("mg", "script=sleep 60000", "")));
	domid = hvctl_create();
	cr_assert_gt(domid, 0);
	snprintf(ref, sizeof(ref), "%d", domid);
	d = listed(domid);
	cr_assert_not_null(d, "unmanaged domain %d not listed", domid);
	cr_assert(json_object_object_get_ex(d, "managed", &v) && !json_object_get_boolean(v));
	cr_assert(json_object_object_get_ex(d, "name", &v));
	cr_assert_str_eq(json_object_get_string(v), "(unmanaged)");
	json_object_put(d);
	cr_assert_str_eq(hdfx_state("mg"), "running");
	/* info, pause and unpause by domid */
	d = hdfx_ok("domain.info", hdfx_dom(ref));
	cr_assert(json_object_object_get_ex(d, "managed", &v) && !json_object_get_boolean(v));
	json_object_put(d);
	json_object_put(hdfx_ok("domain.pause", hdfx_dom(ref)));
	bool paused = false;

	for (int i = 0; i < 100 && !paused; i++) {
		d = hdfx_ok("domain.info", hdfx_dom(ref));
		json_object_object_get_ex(d, "state", &v);
		paused = !strcmp(json_object_get_string(v), "paused");
		json_object_put(d);
		if (!paused)
			usleep(50000);
	}
	cr_assert(paused, "unmanaged domain %d not paused", domid);
	json_object_put(hdfx_ok("domain.unpause", hdfx_dom(ref)));
	/* the rest refuse it with a clear error */
	p = hdfx_dom(ref);
	json_object_object_add(p, "bytes", json_object_new_int64(16 << 20));
	m = hdfx_err("domain.mem_set", p, RPC_OP_FAILED);
	cr_assert(strstr(m, "not managed by hospesd"), "%s", m);
	m = hdfx_err("domain.shutdown", hdfx_dom(ref), RPC_OP_FAILED);
	cr_assert(strstr(m, "not managed by hospesd"), "%s", m);
	/* the CLI lists it too */
	r = hdfx_cli((const char *[]){ "list", NULL });
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.out, "(unmanaged)"), "%s", r.out);
	/* destroyed through hospesd: gone from hospes-hv */
	json_object_put(hdfx_ok("domain.destroy", hdfx_dom(ref)));
	d = listed(domid);
	cr_assert_null(d, "still listed: %s", json_object_to_json_string(d));
	hdfx_err("domain.info", hdfx_dom(ref), RPC_NO_DOMAIN);
	cr_assert_str_eq(hdfx_state("mg"), "running");
}
