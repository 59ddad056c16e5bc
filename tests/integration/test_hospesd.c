/* test_hospesd.c: hospesd's JSON-RPC server: framing, JSON-RPC errors,
 * batches and notifications, size limit, concurrent and slow clients, the
 * SO_PEERCRED check, configuration errors, and the CLI's usage paths. */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "hd_fixture.h"

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

TestSuite(hospesd, .init = setup, .fini = teardown, .timeout = 60);

static void expect_code(const char *line, int code)
{
	char buf[64];

	cr_assert_not_null(line);
	snprintf(buf, sizeof(buf), "\"code\":%d", code);
	cr_assert(strstr(line, buf), "expected %s in %s", buf, line);
}

Test(hospesd, jsonrpc_errors)
{
	char *r;
	json_object *res = hdfx_ok("version", NULL), *v;

	cr_assert(json_object_object_get_ex(res, "api", &v));
	cr_assert_eq(json_object_get_int(v), 1);
	json_object_put(res);
	r = hdfx_raw("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\n", 34, 2000);
	expect_code(r, -32700);
	cr_assert(strstr(r, "\"id\":null"));
	free(r);
	r = hdfx_raw("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"no.such\"}\n", 44, 2000);
	expect_code(r, -32601);
	cr_assert(strstr(r, "\"id\":9"), "%s", r);
	free(r);
	r = hdfx_raw("{\"id\":2,\"method\":\"version\"}\n", 28, 2000);
	expect_code(r, -32600);
	free(r);
	r = hdfx_raw("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":7}\n", 37, 2000);
	expect_code(r, -32600);
	free(r);
	r = hdfx_raw("{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"version\"}\n", 47, 2000);
	expect_code(r, -32600);
	free(r);
	r = hdfx_raw("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"version\",\"params\":[1]}\n", 58, 2000);
	expect_code(r, -32602);
	free(r);
	r = hdfx_raw("null\n", 5, 2000);
	expect_code(r, -32600);
	free(r);
	r = hdfx_raw("[]\n", 3, 2000);
	expect_code(r, -32600);
	free(r);
	cr_assert_str_eq(hdfx_err("domain.info", NULL, -32602), "params.domain (id or name) is required");
	hdfx_err("domain.info", hdfx_dom("nosuch"), -32001);
	hdfx_err("domain.pause", hdfx_dom("77"), -32001);
	hdfx_err("domain.destroy", hdfx_dom("nosuch"), -32001);
	hdfx_err("store.read", NULL, -32602);
}

Test(hospesd, batch_and_notifications)
{
	const char *req = "[{\"jsonrpc\":\"2.0\",\"method\":\"version\"},"
			  "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"version\"},"
			  "{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"method\":\"x.y\"},5]\n";
	char *r = hdfx_raw(req, strlen(req), 2000);
	json_object *arr;

	cr_assert_not_null(r);
	arr = json_tokener_parse(r);
	cr_assert(json_object_is_type(arr, json_type_array), "%s", r);
	/* the notification gets no reply; the other three do, in order */
	cr_assert_eq(json_object_array_length(arr), 3, "%s", r);
	cr_assert(strstr(r, "\"id\":\"a\",\"result\""), "%s", r);
	cr_assert(strstr(r, "\"id\":\"b\",\"error\":{\"code\":-32601"), "%s", r);
	cr_assert(strstr(r, "\"id\":null,\"error\":{\"code\":-32600"), "%s", r);
	json_object_put(arr);
	free(r);
	/* A lone notification: no reply at all, then the next request works. */
	req = "{\"jsonrpc\":\"2.0\",\"method\":\"version\"}\n{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"version\"}\n";
	r = hdfx_raw(req, strlen(req), 2000);
	cr_assert_not_null(r);
	cr_assert(strstr(r, "\"id\":5,\"result\""), "%s", r);
	free(r);
}

Test(hospesd, oversized_request_refused_others_unaffected)
{
	size_t n = RPC_MAX_LINE + 4096;
	char *big = malloc(n), *r;

	memset(big, ' ', n);
	memcpy(big, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"version\",\"x\":\"", 48);
	r = hdfx_raw(big, n, 5000);
	expect_code(r, -32600);
	cr_assert(strstr(r, "larger than"), "%s", r);
	free(r);
	free(big);
	json_object_put(hdfx_ok("version", NULL));
	r = hdfx_log();
	cr_assert(strstr(r, "oversized request"), "%s", r);
	free(r);
}

Test(hospesd, slow_client_does_not_block_others)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", hdfx_socket());
	cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	/* Half a request, never finished. */
	cr_assert_eq(write(fd, "{\"jsonrpc\":\"2.0\",\"id\":1,", 24), 24);
	for (int i = 0; i < 20; i++)
		json_object_put(hdfx_ok("version", NULL));
	/* Requests it sends but never reads the replies of. */
	for (int i = 0; i < 200; i++)
		if (write(fd, "\"method\":\"version\"}\n{\"jsonrpc\":\"2.0\",\"id\":1,", 45) != 45)
			break;
	json_object_put(hdfx_ok("host.status", NULL));
	close(fd);
}

Test(hospesd, client_that_never_reads_is_dropped)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *req = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"host.status\"}\n";
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), sent = 0;
	char *log;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", hdfx_socket());
	cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	/* ~4 MiB of replies asked for, none read: the daemon must cut us off
	 * (the send then fails) rather than queue without bound. */
	for (; sent < 20000; sent++)
		if (send(fd, req, strlen(req), MSG_NOSIGNAL) != (ssize_t)strlen(req))
			break;
	close(fd);
	for (int i = 0; i < 50; i++) {
		log = hdfx_log();
		if (strstr(log, "unread, disconnecting"))
			break;
		free(log);
		log = NULL;
		usleep(100000);
	}
	cr_assert_not_null(log, "not disconnected after %d requests", sent);
	free(log);
	json_object_put(hdfx_ok("version", NULL));
}

Test(hospesd, concurrent_clients)
{
	pid_t kids[8];

	for (int k = 0; k < 8; k++) {
		kids[k] = fork();
		if (kids[k] == 0) {
			struct rpc_client *c;
			int bad = rpc_client_connect(hdfx_socket(), &c) != 0;

			for (int i = 0; i < 50 && !bad; i++) {
				json_object *reply, *res;

				bad = rpc_client_call(c, i % 2 ? "version" : "domain.list", NULL, &reply) ||
				      !json_object_object_get_ex(reply, "result", &res);
				if (!bad)
					json_object_put(reply);
			}
			_exit(bad);
		}
	}
	for (int k = 0; k < 8; k++) {
		int st;

		cr_assert_eq(waitpid(kids[k], &st, 0), kids[k]);
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "client %d failed", k);
	}
}

Test(hospesd, unprivileged_client_refused)
{
	pid_t p = fork();
	int st;

	if (p == 0) {
		char *r;

		if (setgid(65534) || setuid(65534))
			_exit(3);
		/* The socket is reachable; the peer-credential check refuses. */
		r = hdfx_raw("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"version\"}\n", 44, 3000);
		if (!r || !strstr(r, "permission denied") || strstr(r, "result"))
			_exit(4);
		_exit(0);
	}
	cr_assert_eq(waitpid(p, &st, 0), p);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %d", WEXITSTATUS(st));
	char *log = hdfx_log();

	cr_assert(strstr(log, "uid 65534: not root nor in group hospes"), "%s", log);
	free(log);
	/* and root still is served */
	json_object_put(hdfx_ok("version", NULL));
}

Test(hospesd, config_errors_name_line_and_field)
{
	json_object *p = json_object_new_object(), *reply, *e, *data, *v;

	json_object_object_add(p, "config_text",
			       json_object_new_string("name = \"a\"\nmemory = 32\nkernel = \"/k\"\nvcpus = 99\n"));
	reply = hdfx_call("domain.create", p);
	cr_assert(json_object_object_get_ex(reply, "error", &e), "%s", json_object_to_json_string(reply));
	json_object_object_get_ex(e, "code", &v);
	cr_assert_eq(json_object_get_int(v), -32002);
	cr_assert(json_object_object_get_ex(e, "data", &data));
	json_object_object_get_ex(data, "line", &v);
	cr_assert_eq(json_object_get_int(v), 4);
	json_object_object_get_ex(data, "field", &v);
	cr_assert_str_eq(json_object_get_string(v), "vcpus");
	json_object_put(reply);
	/* A kernel that is not there: hospes-hv's error comes back. */
	p = json_object_new_object();
	json_object_object_add(p, "config", json_tokener_parse("{\"name\":\"x\",\"memory\":32,\"kernel\":\"/nonexistent.elf\"}"));
	hdfx_err("domain.create", p, -32000);
	hdfx_err("domain.create", NULL, -32602);
	cr_assert_null(hdfx_state("x"));
}

Test(hospesd, cli_usage_and_errors)
{
	const char *bad_cfg = hdfx_file("bad.cfg", "name = \"b\"\nmemory = 32\nkernel = \"k\"\non_crash = \"explode\"\n");
	struct hdfx_run r;

	r = hdfx_cli((const char *[]){ "help", NULL });
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.out, "mem-set"), "%s", r.out);
	r = hdfx_cli((const char *[]){ "help", "shutdown", NULL });
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.out, "control/shutdown"), "%s", r.out);
	r = hdfx_cli((const char *[]){ "frobnicate", NULL });
	cr_assert_eq(r.status, 2);
	r = hdfx_cli((const char *[]){ "info", NULL });
	cr_assert_eq(r.status, 2);
	r = hdfx_cli((const char *[]){ "mem-set", "x", "lots", NULL });
	cr_assert_eq(r.status, 2);
	r = hdfx_cli((const char *[]){ "info", "nosuch", NULL });
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err, "no such domain"), "%s", r.err);
	r = hdfx_cli((const char *[]){ "create", bad_cfg, NULL });
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err, "line 4: on_crash"), "%s", r.err);
	r = hdfx_cli((const char *[]){ "create", "/nonexistent.cfg", NULL });
	cr_assert_eq(r.status, 1);
	r = hdfx_cli((const char *[]){ "--json", "status", NULL });
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.out, "\"hospes-stored\""), "%s", r.out);
	r = hdfx_cli((const char *[]){ "list", NULL });
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.out, "Name"), "%s", r.out);
}

Test(hospesd, cli_without_daemon_fails)
{
	const char *argv[] = { "--socket", "/tmp/hospes-no-such.sock", "list", NULL };
	struct hdfx_run r = hdfx_cli(argv); /* the later --socket wins */
	char cmd[512];

	cr_assert_eq(r.status, 1, "%d", r.status);
	cr_assert(strstr(r.err, "cannot reach hospesd at /tmp/hospes-no-such.sock"), "%s", r.err);
	/* $HOSPES_SOCKET is used without --socket */
	snprintf(cmd, sizeof(cmd), "HOSPES_SOCKET=/tmp/hospes-no-such.sock %s list 2>/dev/null",
		 harness_path("bin/hospes"));
	cr_assert_eq(WEXITSTATUS(system(cmd)), 1);
	snprintf(cmd, sizeof(cmd), "HOSPES_SOCKET=%s %s list >/dev/null", hdfx_socket(),
		 harness_path("bin/hospes"));
	cr_assert_eq(WEXITSTATUS(system(cmd)), 0);
}

/* Members of the API group (here --group nogroup, gid 65534) are served,
 * as primary or supplementary group; other unprivileged peers are not. */
static int as_user(gid_t primary, gid_t supp, bool with_supp)
{
	pid_t p = fork();
	int st;

	if (p == 0) {
		char *r;

		if (setgroups(with_supp ? 1 : 0, &supp) || setgid(primary) || setuid(65534))
			_exit(3);
		r = hdfx_raw("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"version\"}\n", 44, 3000);
		if (!r)
			_exit(5);
		_exit(strstr(r, "\"result\"") ? 0 : strstr(r, "permission denied") ? 1 : 4);
	}
	waitpid(p, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(hospesd_group, members_of_the_group_are_served, .timeout = 60)
{
	hdfx_start_args((const char *[]){ "--group", "nogroup", NULL });
	cr_assert_eq(as_user(65534, 0, false), 0, "primary group member refused");
	cr_assert_eq(as_user(1, 65534, true), 0, "supplementary group member refused");
	cr_assert_eq(as_user(1, 0, false), 1, "non-member served");
	cr_assert_eq(as_user(1, 2, true), 1, "non-member served");
	hdfx_stop();
}

/* Every domain command on a domain that does not exist: exit 1 with the
 * daemon's message; wrong arity: exit 2. */
Test(hospesd, cli_every_command_failure_paths)
{
	static const char *const fail1[][5] = {
		{ "info", "ghost" }, { "pause", "ghost" }, { "unpause", "ghost" },
		{ "destroy", "ghost" }, { "shutdown", "ghost" }, { "reboot", "ghost" },
		{ "mem-set", "ghost", "16" }, { "mem-max", "ghost", "64" }, { "stats", "ghost" },
		{ "store", "read", "/no/such" }, { "store", "ls", "/no/such" },
	};
	static const char *const usage2[][5] = {
		{ "list", "x" }, { "pause" }, { "unpause", "a", "b" }, { "destroy" },
		{ "shutdown" }, { "shutdown", "a", "--timeout" }, { "reboot", "a", "--wait" },
		{ "mem-set", "a" }, { "mem-max", "a", "-5" }, { "store" }, { "store", "write", "/a" },
		{ "store", "watch", "/a", "--count" }, { "top", "--interval", "0" }, { "stats" },
		{ "events", "--count", "x" }, { "status", "x" }, { "create" }, { "help", "nosuch" },
	};

	for (size_t i = 0; i < sizeof(fail1) / sizeof(fail1[0]); i++) {
		struct hdfx_run r = hdfx_cli((const char *const *)fail1[i]);

		cr_expect_eq(r.status, 1, "%s %s: %d %s", fail1[i][0], fail1[i][1], r.status, r.err);
		cr_expect(strstr(r.err, "no such domain") || strstr(r.err, "No such file"), "%s: %s",
			  fail1[i][0], r.err);
	}
	for (size_t i = 0; i < sizeof(usage2) / sizeof(usage2[0]); i++) {
		struct hdfx_run r = hdfx_cli((const char *const *)usage2[i]);

		cr_expect_eq(r.status, 2, "%s %s: %d", usage2[i][0], usage2[i][1] ? usage2[i][1] : "",
			     r.status);
	}
	/* the same through raw JSON-RPC: wrong-typed params are -32602 */
	json_object *p = hdfx_dom("ghost");

	json_object_object_add(p, "bytes", json_object_new_string("16M"));
	hdfx_err("domain.mem_set", p, -32001);
	p = json_object_new_object();
	json_object_object_add(p, "domain", json_object_new_double(1.5));
	hdfx_err("domain.info", p, -32602);
	p = json_object_new_object();
	json_object_object_add(p, "path", json_object_new_string("/a"));
	hdfx_err("store.write", p, -32602);
	p = json_object_new_object();
	json_object_object_add(p, "config", json_object_new_string("name=x"));
	hdfx_err("domain.create", p, -32602);
	p = json_object_new_object();
	json_object_object_add(p, "config_text", json_object_new_string("name = \"x\"\n"));
	json_object_object_add(p, "paused", json_object_new_int(1));
	hdfx_err("domain.create", p, -32602);
}

/* The man page and the bash completion know every command `hospes help` lists. */
Test(hospesd, man_page_and_completion_cover_every_command)
{
	struct hdfx_run r = hdfx_cli((const char *[]){ "help", NULL });
	char *line, *save = NULL, cmd[256];
	FILE *f;
	static char man[32768], comp[8192];
	size_t n;

	f = fopen("toolstack/man/hospes.1", "r");
	cr_assert_not_null(f, "run from the source tree");
	n = fread(man, 1, sizeof(man) - 1, f);
	man[n] = 0;
	fclose(f);
	f = fopen("toolstack/completion/hospes.bash", "r");
	cr_assert_not_null(f);
	n = fread(comp, 1, sizeof(comp) - 1, f);
	comp[n] = 0;
	fclose(f);
	char cmds[512] = " ", *q = strstr(comp, "cmds=\"");

	cr_assert_not_null(q);
	strncat(cmds, q + 6, strcspn(q + 6, "\"") < 500 ? strcspn(q + 6, "\"") : 500);
	strcat(cmds, " ");
	for (line = strtok_r(r.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[32], pat[64];

		if (strncmp(line, "  ", 2) || sscanf(line, "%31s", name) != 1)
			continue;
		snprintf(pat, sizeof(pat), " %s ", name);
		cr_expect(strstr(cmds, pat), "completion lacks %s", name);
		/* roff spells '-' as "\-" */
		size_t k = 0;

		for (const char *c = name; *c && k < sizeof(pat) - 3; c++) {
			if (*c == '-')
				pat[k++] = '\\';
			pat[k++] = *c;
		}
		pat[k] = 0;
		cr_expect(strstr(man, pat), "man page lacks %s", name);
	}
	snprintf(cmd, sizeof(cmd), "bash -c '. toolstack/completion/hospes.bash && complete -p hospes' >/dev/null");
	cr_assert_eq(system(cmd), 0);
}

/* Hostile input: random bytes, and valid requests with fields mutated into
 * every JSON type, to every method. The daemon answers or ignores each line
 * and keeps serving; no domain comes out of it. */
Test(hospesd, hostile_requests_do_not_hurt)
{
	static const char *const methods[] = {
		"version", "host.status", "events.subscribe", "domain.create", "domain.list",
		"domain.info", "domain.stats", "domain.pause", "domain.unpause", "domain.destroy",
		"domain.shutdown", "domain.reboot", "domain.mem_set", "domain.mem_max", "store.read",
		"store.write", "store.ls", "store.rm", "store.watch",
	};
	static const char *const values[] = {
		"null", "true", "-1", "0", "1e400", "9223372036854775808", "\"\"", "\"ghost\"",
		"\"/\"", "[]", "{}", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
		"\"\\u0000x\"", "{\"name\":{}}",
	};
	static const char *const keys[] = { "domain", "path", "value", "bytes", "timeout_ms",
					    "config", "config_text", "paused", "base_dir" };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	char line[512];
	unsigned seed = 12345;
	int sent = 0;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", hdfx_socket());
	cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	for (int i = 0; i < 3000; i++) {
		size_t n;

		if (i % 3 == 0) {
			n = (size_t)(rand_r(&seed) % 200);
			for (size_t k = 0; k < n; k++) {
				line[k] = (char)(rand_r(&seed) % 256);
				if (line[k] == '\n')
					line[k] = ' ';
			}
			line[n++] = '\n';
		} else {
			n = (size_t)snprintf(line, sizeof(line),
					     "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"%s\",\"params\":{\"%s\":%s,\"%s\":%s}}\n",
					     i, methods[rand_r(&seed) % 19], keys[rand_r(&seed) % 9],
					     values[rand_r(&seed) % 14], keys[rand_r(&seed) % 9],
					     values[rand_r(&seed) % 14]);
		}
		if (send(fd, line, n, MSG_NOSIGNAL) != (ssize_t)n)
			break;
		sent++;
		if (i % 64 == 0) { /* drain replies so we are not the slow client */
			char buf[65536];

			while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
				;
		}
	}
	close(fd);
	cr_assert_eq(sent, 3000, "the daemon closed the connection after %d lines", sent);
	json_object *res = hdfx_ok("domain.list", NULL), *arr;

	json_object_object_get_ex(res, "domains", &arr);
	cr_assert_eq(json_object_array_length(arr), 0);
	json_object_put(res);
	json_object_put(hdfx_ok("version", NULL));
}
