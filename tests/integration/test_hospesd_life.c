/* test_hospesd_life.c: domains through hospesd: create (xl.cfg and JSON,
 * via the CLI and raw JSON-RPC), list/info/pause/unpause/destroy, xenstore
 * entries and their owner, mem-set/mem-max, on_poweroff/on_reboot/on_crash
 * actions, shutdown/reboot with the destroy fallback, events, store
 * commands, stats and top. Guests: nido. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "hd_fixture.h"
#include "xsclient.h"

static void setup(void)
{
	hdfx_start();
}

static void teardown(void)
{
	/* 0: clean exit on SIGTERM (and no sanitizer report in ASan builds) */
	int code = hdfx_stop();

	cr_expect(code == 0 || code == -3, "hospesd exit code %d", code);
}

TestSuite(hospesd_life, .init = setup, .fini = teardown, .timeout = 90);

#define LONG_SLEEP "script=sleep 60000"

static int domid_of(const char *name)
{
	json_object *res = hdfx_ok("domain.info", hdfx_dom(name)), *v;
	int id;

	json_object_object_get_ex(res, "domid", &v);
	id = json_object_get_int(v);
	json_object_put(res);
	return id;
}

/* 1 once the file contains text (polled up to ms). */
static int file_has(const char *path, const char *text, int ms)
{
	for (int waited = 0; waited <= ms; waited += 20) {
		char buf[4096] = "";
		FILE *f = fopen(path, "r");

		if (f) {
			size_t n = fread(buf, 1, sizeof(buf) - 1, f);

			buf[n] = 0;
			fclose(f);
			if (strstr(buf, text))
				return 1;
		}
		usleep(20000);
	}
	return 0;
}

/* hospesd gives up restarting after 10 short lives: 9 restarts. */
#define HD_FAST_RESTARTS_EXPECTED 9

static int64_t field_of(const char *name, const char *key)
{
	json_object *res = hdfx_ok("domain.info", hdfx_dom(name)), *v;
	int64_t x;

	cr_assert(json_object_object_get_ex(res, key, &v), "%s", key);
	x = json_object_get_int64(v);
	json_object_put(res);
	return x;
}

static char *xs_read(const char *path)
{
	char sock[128], *val = NULL;
	struct xsc *x;
	size_t len;

	snprintf(sock, sizeof(sock), "%s/st/xenstored.sock", hdfx_dir());
	cr_assert_eq(xsc_open(sock, &x), 0);
	if (xsc_read(x, 0, path, &val, &len))
		val = NULL;
	xsc_close(x);
	return val;
}

static uint32_t xs_owner(const char *path)
{
	char sock[128];
	struct xsc_perm *perms;
	struct xsc *x;
	unsigned n;
	uint32_t owner;

	snprintf(sock, sizeof(sock), "%s/st/xenstored.sock", hdfx_dir());
	cr_assert_eq(xsc_open(sock, &x), 0);
	cr_assert_eq(xsc_get_perms(x, 0, path, &perms, &n), 0, "%s", path);
	owner = perms[0].domid;
	free(perms);
	xsc_close(x);
	return owner;
}

Test(hospesd_life, cli_create_xl_list_info_pause_destroy)
{
	char cfg[1024], path[128], *v, uuid[64];
	struct hdfx_run r;
	const char *file;
	int id;

	/* a disk's image must exist (domain.create checks it) */
	snprintf(cfg, sizeof(cfg),
		 "# test domain\nname = \"web\"\nmemory = 32\nmaxmem = 48\nvcpus = 2\n"
		 "kernel = \"%s\"\nextra = \"" LONG_SLEEP "\"\n"
		 "disk = [ '%s,raw,xvda,rw' ]\nvif = [ 'mac=00:16:3e:00:00:01' ]\n",
		 harness_path("guests/nido.elf"), hdfx_file("web.raw", ""));
	file = hdfx_file("web.cfg", cfg);
	r = hdfx_cli((const char *[]){ "create", file, NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "created domain"), "%s", r.out);
	id = domid_of("web");
	r = hdfx_cli((const char *[]){ "list", NULL });
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.out, "web") && strstr(r.out, "running"), "%s", r.out);
	r = hdfx_cli((const char *[]){ "--json", "info", "web", NULL });
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.out, "\"vcpus\":2") || strstr(r.out, "\"vcpus\": 2"), "%s", r.out);
	cr_assert(strstr(r.out, "xvda"), "%s", r.out);

	/* the domain's own keys, owned by the domain, and /vm/<uuid> */
	snprintf(path, sizeof(path), "/local/domain/%d/name", id);
	v = xs_read(path);
	cr_assert_str_eq(v, "web");
	free(v);
	cr_assert_eq(xs_owner(path), 0, "name is dom0's, read-only for the guest");
	snprintf(path, sizeof(path), "/local/domain/%d", id);
	cr_assert_eq(xs_owner(path), (uint32_t)id);
	snprintf(path, sizeof(path), "/local/domain/%d/control/shutdown", id);
	cr_assert_eq(xs_owner(path), (uint32_t)id);
	snprintf(path, sizeof(path), "/local/domain/%d/data", id);
	cr_assert_eq(xs_owner(path), (uint32_t)id);
	snprintf(path, sizeof(path), "/local/domain/%d/memory/target", id);
	v = xs_read(path);
	cr_assert_str_eq(v, "32768");
	free(v);
	snprintf(path, sizeof(path), "/local/domain/%d/memory/static-max", id);
	v = xs_read(path);
	cr_assert_str_eq(v, "49152");
	free(v);
	snprintf(path, sizeof(path), "/local/domain/%d/domid", id);
	v = xs_read(path);
	cr_assert_eq(atoi(v), id);
	free(v);
	snprintf(path, sizeof(path), "/local/domain/%d/vm", id);
	v = xs_read(path);
	cr_assert(!strncmp(v, "/vm/", 4), "%s", v);
	snprintf(uuid, sizeof(uuid), "%s/name", v);
	free(v);
	v = xs_read(uuid);
	cr_assert_str_eq(v, "web");
	free(v);

	r = hdfx_cli((const char *[]){ "pause", "web", NULL });
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(hdfx_wait_state("web", "paused", 10000));
	r = hdfx_cli((const char *[]){ "unpause", "web", NULL });
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(hdfx_wait_state("web", "running", 10000));
	snprintf(path, sizeof(path), "%d", id);
	r = hdfx_cli((const char *[]){ "destroy", path, NULL });
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_null(hdfx_state("web"));
	snprintf(path, sizeof(path), "/local/domain/%d/name", id);
	cr_assert_null(xs_read(path));
	cr_assert_null(xs_read(uuid));
	r = hdfx_cli((const char *[]){ "destroy", "web", NULL });
	cr_assert_eq(r.status, 1);
}

Test(hospesd_life, json_create_paused_duplicate_mem)
{
	json_object *res, *v;
	char path[96], *val;
	struct hdfx_run r;
	int id;

	json_object *p = hdfx_nido_cfg("db", LONG_SLEEP, ",\"maxmem\":48");

	json_object_object_add(p, "paused", json_object_new_boolean(true));
	res = hdfx_ok("domain.create", p);
	json_object_object_get_ex(res, "domid", &v);
	id = json_object_get_int(v);
	json_object_put(res);
	cr_assert_str_eq(hdfx_state("db"), "created");
	hdfx_err("domain.create", hdfx_nido_cfg("db", "", ""), -32004);
	json_object_put(hdfx_ok("domain.unpause", hdfx_dom("db")));
	cr_assert(hdfx_wait_state("db", "running", 10000));

	r = hdfx_cli((const char *[]){ "mem-set", "db", "16", NULL });
	cr_assert_eq(r.status, 0, "%s", r.err);
	snprintf(path, sizeof(path), "/local/domain/%d/memory/target", id);
	val = xs_read(path);
	cr_assert_str_eq(val, "16384");
	free(val);
	r = hdfx_cli((const char *[]){ "mem-set", "db", "64M", NULL });
	cr_assert_eq(r.status, 1, "above maxmem must fail");
	r = hdfx_cli((const char *[]){ "mem-max", "db", "64M", NULL });
	cr_assert_eq(r.status, 0, "%s", r.err);
	res = hdfx_ok("domain.stats", hdfx_dom("db"));
	json_object *mem;

	json_object_object_get_ex(res, "dommemstat", &mem);
	json_object_object_get_ex(mem, "max_kib", &v);
	cr_assert_eq(json_object_get_int(v), 65536);
	json_object_object_get_ex(mem, "target_kib", &v);
	cr_assert_eq(json_object_get_int(v), 16384);
	json_object_put(res);
	snprintf(path, sizeof(path), "/local/domain/%d/memory/static-max", id);
	val = xs_read(path);
	cr_assert_str_eq(val, "65536");
	free(val);
	r = hdfx_cli((const char *[]){ "mem-set", "db", "64M", NULL });
	cr_assert_eq(r.status, 0, "%s", r.err);
	r = hdfx_cli((const char *[]){ "mem-max", "db", "1", NULL });
	cr_assert_eq(r.status, 1);
	r = hdfx_cli((const char *[]){ "stats", "db", NULL });
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.out, "target=65536 KiB"), "%s", r.out);
	r = hdfx_cli((const char *[]){ "top", "--iterations", "2", "--interval", "0.2", NULL });
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "CPU(%)") && strstr(r.out, "db"), "%s", r.out);
}

Test(hospesd_life, end_actions)
{
	json_object *res, *v;
	int id2;

	/* nido powers off at once (an empty script=: with its PV console and no
	 * script nido would wait in its interactive shell): destroy removes it */
	json_object_put(hdfx_ok("domain.create", hdfx_nido_cfg("p1", "script=", "")));
	cr_assert(hdfx_wait_state("p1", NULL, 20000), "%s", hdfx_log());
	/* preserve keeps it listed, state shutdown */
	json_object_put(hdfx_ok("domain.create", hdfx_nido_cfg("p2", "script=", ",\"on_poweroff\":\"preserve\"")));
	cr_assert(hdfx_wait_state("p2", "shutdown", 20000));
	cr_assert(hdfx_wait_state("p2", "shutdown", 300)); /* and stays */
	json_object_put(hdfx_ok("domain.destroy", hdfx_dom("p2")));
	/* crash with on_crash preserve */
	json_object_put(hdfx_ok("domain.create", hdfx_nido_cfg("c1", "shutdown=crash script=", ",\"on_crash\":\"preserve\"")));
	cr_assert(hdfx_wait_state("c1", "shutdown", 20000));
	res = hdfx_ok("domain.info", hdfx_dom("c1"));
	json_object_object_get_ex(res, "shutdown_reason", &v);
	cr_assert_eq(json_object_get_int(v), 3);
	json_object_put(res);
	/* reboot with on_reboot restart: built again, same name and uuid */
	res = hdfx_ok("domain.create", hdfx_nido_cfg("r1", "shutdown=reboot script=", ",\"on_reboot\":\"restart\""));
	json_object_object_get_ex(res, "uuid", &v);
	char uuid[40];

	snprintf(uuid, sizeof(uuid), "%s", json_object_get_string(v));
	json_object_put(res);
	id2 = 0;
	for (int i = 0; i < 200 && id2 < 2; i++) {
		json_object *p = hdfx_call("domain.info", hdfx_dom("r1")), *rr;

		if (json_object_object_get_ex(p, "result", &rr) &&
		    json_object_object_get_ex(rr, "restarts", &v)) {
			id2 = json_object_get_int(v);
			json_object_object_get_ex(rr, "uuid", &v);
			cr_assert_str_eq(json_object_get_string(v), uuid);
		}
		json_object_put(p);
		usleep(50000);
	}
	cr_assert_geq(id2, 2, "not restarted:\n%s", hdfx_log());
	char *log = hdfx_log();

	cr_assert(strstr(log, "ended (reboot): restart"), "%s", log);
	free(log);
	/* a guest that reboots at once is not rebuilt forever: preserved */
	cr_assert(hdfx_wait_state("r1", "shutdown", 30000), "%s", hdfx_log());
	log = hdfx_log();
	cr_assert_eq(field_of("r1", "restarts"), HD_FAST_RESTARTS_EXPECTED, "restarts %lld\n%s",
		     (long long)field_of("r1", "restarts"), log);
	cr_assert_eq(field_of("r1", "preserved"), 1);
	cr_assert(strstr(log, "'r1' ended 10 times in a row, each life under 2 s: preserved"), "%s",
		  log);
	free(log);
	json_object_put(hdfx_ok("domain.destroy", hdfx_dom("r1")));
}

Test(hospesd_life, shutdown_reboot_fallback_and_events)
{
	struct rpc_client *ev;
	json_object *reply, *msg, *res, *v;
	bool saw_created = false, saw_timeout = false, saw_destroyed = false;
	struct hdfx_run r;
	int id, id2;

	cr_assert_eq(rpc_client_connect(hdfx_socket(), &ev), 0);
	cr_assert_eq(rpc_client_call(ev, "events.subscribe", NULL, &reply), 0);
	json_object_put(reply);
	res = hdfx_ok("domain.create", hdfx_nido_cfg("s1", LONG_SLEEP, ""));
	json_object_object_get_ex(res, "domid", &v);
	id = json_object_get_int(v);
	json_object_put(res);
	/* nido busy in a script= sleep does not act on control/shutdown: the fallback destroys it */
	r = hdfx_cli((const char *[]){ "shutdown", "s1", "--timeout", "300", "--wait", NULL });
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_null(hdfx_state("s1"));
	while (!saw_destroyed && rpc_client_next(ev, &msg, 5000) == 0) {
		json_object *p;

		json_object_object_get_ex(msg, "params", &p);
		json_object_object_get_ex(p, "type", &v);
		const char *type = json_object_get_string(v);

		json_object_object_get_ex(p, "domid", &v);
		if (json_object_get_int(v) == id) {
			saw_created |= !strcmp(type, "created");
			saw_timeout |= !strcmp(type, "shutdown_timeout");
			saw_destroyed |= !strcmp(type, "destroyed");
		}
		json_object_put(msg);
	}
	cr_assert(saw_created && saw_timeout && saw_destroyed, "%d %d %d", saw_created, saw_timeout,
		  saw_destroyed);
	rpc_client_close(ev);
	char *log = hdfx_log();

	cr_assert(strstr(log, "no reaction to control/shutdown; destroying"), "%s", log);
	free(log);

	/* reboot: control/shutdown = "reboot" is written; then rebuilt */
	res = hdfx_ok("domain.create", hdfx_nido_cfg("s2", LONG_SLEEP, ""));
	json_object_object_get_ex(res, "domid", &v);
	id = json_object_get_int(v);
	json_object_put(res);
	char path[96], *val;

	res = hdfx_ok("domain.reboot", ({
			      json_object *p = hdfx_dom("s2");
			      json_object_object_add(p, "timeout_ms", json_object_new_int(3000));
			      p;
		      }));
	json_object_put(res);
	snprintf(path, sizeof(path), "/local/domain/%d/control/shutdown", id);
	res = hdfx_ok("store.read", ({
			      json_object *p = json_object_new_object();
			      json_object_object_add(p, "path", json_object_new_string(path));
			      p;
		      }));
	json_object_object_get_ex(res, "value", &v);
	/* "reboot", or "" once a guest that saw the request before its
	 * script began acknowledged it; either way s2 must be rebuilt once */
	cr_assert(!strcmp(json_object_get_string(v), "reboot") ||
		  !strcmp(json_object_get_string(v), ""), "control/shutdown = '%s'",
		  json_object_get_string(v));
	json_object_put(res);
	id2 = 0;
	for (int i = 0; i < 100 && id2 == 0; i++) {
		usleep(100000);
		res = hdfx_call("domain.info", hdfx_dom("s2"));
		json_object *rr;

		if (json_object_object_get_ex(res, "result", &rr) && json_object_object_get_ex(rr, "restarts", &v))
			id2 = json_object_get_int(v);
		json_object_put(res);
	}
	cr_assert_eq(id2, 1, "reboot fallback did not rebuild s2");
	cr_assert(hdfx_wait_state("s2", "running", 5000));
	val = NULL;
	(void)val;
	hdfx_err("domain.shutdown", ({
			 json_object *p = hdfx_dom("s2");
			 json_object_object_add(p, "timeout_ms", json_object_new_string("soon"));
			 p;
		 }), -32602);
}

Test(hospesd_life, store_commands)
{
	struct hdfx_run r;
	pid_t w;
	char out[128];

	r = hdfx_cli((const char *[]){ "store", "write", "/tool/a/b", "hello world", NULL });
	cr_assert_eq(r.status, 0, "%s", r.err);
	r = hdfx_cli((const char *[]){ "store", "read", "/tool/a/b", NULL });
	cr_assert_eq(r.status, 0);
	cr_assert_str_eq(r.out, "hello world\n");
	r = hdfx_cli((const char *[]){ "store", "ls", "/tool/a", NULL });
	cr_assert_str_eq(r.out, "b\n");
	r = hdfx_cli((const char *[]){ "--json", "store", "read", "/tool/a/b", NULL });
	cr_assert(strstr(r.out, "\"value\""), "%s", r.out);
	/* watch: the initial event, then one per change */
	snprintf(out, sizeof(out), "%s/watch.out", hdfx_dir());
	w = fork();
	if (w == 0) {
		FILE *f = freopen(out, "w", stdout);

		(void)f;
		execl(harness_path("bin/hospes"), "hospes", "--socket", hdfx_socket(), "store", "watch",
		      "/tool/a", "--count", "2", (char *)NULL);
		_exit(127);
	}
	cr_assert(file_has(out, "/tool/a\n", 10000), "no initial watch event");
	r = hdfx_cli((const char *[]){ "store", "write", "/tool/a/c", "1", NULL });
	cr_assert_eq(r.status, 0);
	int st = -1;

	for (int i = 0; i < 50 && waitpid(w, &st, WNOHANG) == 0; i++)
		usleep(100000);
	if (st == -1) {
		kill(w, SIGKILL);
		waitpid(w, NULL, 0);
	}
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "watch did not see 2 events");
	FILE *f = fopen(out, "r");
	char buf[256] = "";
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);

	fclose(f);
	buf[n] = 0;
	cr_assert(strstr(buf, "/tool/a\n") && strstr(buf, "/tool/a/c\n"), "%s", buf);
	r = hdfx_cli((const char *[]){ "store", "rm", "/tool/a", NULL });
	cr_assert_eq(r.status, 0);
	r = hdfx_cli((const char *[]){ "store", "read", "/tool/a/b", NULL });
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err, "No such file"), "%s", r.err);
	r = hdfx_cli((const char *[]){ "store", "frob", "/x", NULL });
	cr_assert_eq(r.status, 2);
}

/* The keys hospesd writes reach the guest over its xenstore ring (INTRODUCE). */
Test(hospesd_life, guest_reads_its_keys)
{
	char path[160], *con = NULL;
	int id;

	json_object_put(hdfx_ok("domain.create",
				hdfx_nido_cfg("reader", "script=xs-read name; xs-read memory/target; "
							"xs-write data/seen yes; xs-write name evil; sleep 60000", "")));
	id = domid_of("reader");
	/* the guest's PV console, logged by hospes-consoled */
	snprintf(path, sizeof(path), "%s/st/consoled/console-%d.log", hdfx_dir(), id);
	for (int i = 0; i < 100; i++) {
		FILE *f = fopen(path, "r");

		free(con);
		con = calloc(1, 8192);
		if (f) {
			size_t n = fread(con, 1, 8191, f);

			con[n] = 0;
			fclose(f);
		}
		if (strstr(con, "> sleep"))
			break;
		usleep(100000);
	}
	snprintf(path, sizeof(path), "nido: xenstore name=reader domid=%d\n", id);
	cr_assert(strstr(con, path), "%s", con);
	cr_assert(strstr(con, "xs-read name = \"reader\"\n"), "%s", con);
	cr_assert(strstr(con, "xs-read memory/target = \"32768\"\n"), "%s", con);
	cr_assert(strstr(con, "xs-write name: EACCES\n"), "%s", con);
	free(con);
	snprintf(path, sizeof(path), "/local/domain/%d/data/seen", id);
	con = xs_read(path);
	cr_assert_str_eq(con, "yes");
	free(con);
}

/* A JSON file with a kernel path relative to the file; the events command. */
Test(hospesd_life, cli_json_file_and_events)
{
	char link[128], out[128], errf[128], buf[1024] = "";
	struct hdfx_run r;
	const char *file;
	pid_t ev;
	int st = -1;

	snprintf(link, sizeof(link), "%s/k.elf", hdfx_dir());
	cr_assert_eq(symlink(harness_path("guests/nido.elf"), link), 0);
	file = hdfx_file("j.json", "{\n  \"name\": \"js\",\n  \"memory\": 32,\n  \"kernel\": \"k.elf\",\n"
				   "  \"cmdline\": \"" LONG_SLEEP "\"\n}\n");
	snprintf(out, sizeof(out), "%s/events.out", hdfx_dir());
	snprintf(errf, sizeof(errf), "%s/events.err", hdfx_dir());
	ev = fork();
	if (ev == 0) {
		FILE *f = freopen(out, "w", stdout);

		f = freopen(errf, "w", stderr);
		(void)f;
		execl(harness_path("bin/hospes"), "hospes", "--socket", hdfx_socket(), "events",
		      "--count", "2", (char *)NULL);
		_exit(127);
	}
	cr_assert(file_has(errf, "hospes: subscribed", 10000), "events did not subscribe");
	r = hdfx_cli((const char *[]){ "create", file, "--paused", NULL });
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_str_eq(hdfx_state("js"), "created");
	r = hdfx_cli((const char *[]){ "--json", "info", "js", NULL });
	snprintf(buf, sizeof(buf), "\"kernel\":\"%s\"", link);
	cr_assert(strstr(r.out, buf), "%s", r.out);
	r = hdfx_cli((const char *[]){ "destroy", "js", NULL });
	cr_assert_eq(r.status, 0);
	for (int i = 0; i < 50 && waitpid(ev, &st, WNOHANG) == 0; i++)
		usleep(100000);
	if (st == -1) {
		kill(ev, SIGKILL);
		waitpid(ev, NULL, 0);
	}
	FILE *f = fopen(out, "r");
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);

	fclose(f);
	buf[n] = 0;
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "events: %d\n%s", st, buf);
	cr_assert(strstr(buf, "created domid=") && strstr(buf, "name=js"), "%s", buf);
	cr_assert(strstr(buf, "destroyed domid="), "%s", buf);
	/* bad JSON in a file: the line is named */
	file = hdfx_file("bad.json", "{\n  \"name\": \"x\",\n  \"memory\": 32\n  \"kernel\": \"k\"\n}\n");
	r = hdfx_cli((const char *[]){ "create", file, NULL });
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err, "line 4"), "%s", r.err);
}
