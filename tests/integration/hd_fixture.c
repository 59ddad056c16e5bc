/* hd_fixture.c: a private hospesd for the toolstack integration tests. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "hd_fixture.h"

static char dir[32], sock[64], state[64], logpath[64];
static pid_t pid;
static const char *extra_args[4];
int hdfx_leftovers;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void spawn(void)
{
	pid = fork();
	if (pid == 0) {
		int fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0600);

		setpgid(0, 0); /* its own process group, which a test may kill whole */
		dup2(fd, 2);
		const char *argv[12] = { "hospesd", "--socket", sock, "--state-dir", state };
		int n = 5;

		for (int i = 0; i < 4 && extra_args[i]; i++)
			argv[n++] = extra_args[i];
		argv[n] = NULL;
		execv(harness_path("bin/hospesd"), (char *const *)argv);
		_exit(127);
	}
	for (double end = now_ms() + 10000; now_ms() < end; usleep(20000)) {
		struct rpc_client *c;

		if (rpc_client_connect(sock, &c) == 0) {
			rpc_client_close(c);
			return;
		}
		cr_assert_eq(waitpid(pid, NULL, WNOHANG), 0, "hospesd exited:\n%s", hdfx_log());
	}
	cr_assert_fail("hospesd did not serve %s:\n%s", sock, hdfx_log());
}

void hdfx_start_args(const char *const extra[])
{
	memset(extra_args, 0, sizeof(extra_args));
	for (int i = 0; extra && i < 3 && extra[i]; i++)
		extra_args[i] = extra[i];
	hdfx_start();
}

void hdfx_start(void)
{
	harness_require_kvm();
	snprintf(dir, sizeof(dir), "/tmp/hd-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	chmod(dir, 0711); /* the unprivileged-client test must reach the socket */
	snprintf(sock, sizeof(sock), "%s/hd.sock", dir);
	snprintf(state, sizeof(state), "%s/st", dir);
	snprintf(logpath, sizeof(logpath), "%s/hospesd.log", dir);
	spawn();
}

void hdfx_kill_restart(void)
{
	hdfx_kill_group_restart(false);
}

void hdfx_kill_group_restart(bool group)
{
	kill(group ? -pid : pid, SIGKILL);
	waitpid(pid, NULL, 0);
	spawn();
}

pid_t hdfx_service_pid(const char *which)
{
	char path[192], buf[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.pid", state, which);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return (pid_t)atoi(buf);
}

int hdfx_stop(void)
{
	int st = 0, code = pid > 0 ? -2 : -3;
	char cmd[128];

	if (pid > 0) {
		kill(pid, SIGTERM);
		for (int i = 0; i < 300 && code == -2; i++) {
			if (waitpid(pid, &st, WNOHANG) == pid)
				code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			else
				usleep(50000);
		}
		if (code == -2) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
		pid = 0;
	}
	/* Services left behind by a failed test must not outlive it. */
	hdfx_leftovers = 0;
	for (int i = 0; i < 5; i++) {
		/* block: hospes-blkback is the fourth service, net: netback the fifth */
		pid_t s = hdfx_service_pid(i == 4 ? "netback" : i == 3 ? "blkback" :
					   i == 2 ? "consoled" : i ? "stored" : "hv");

		if (s > 0 && kill(s, SIGKILL) == 0)
			hdfx_leftovers++;
	}
	if (dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd))
			fprintf(stderr, "cannot remove %s\n", dir);
		dir[0] = 0;
	}
	return code;
}

const char *hdfx_socket(void)
{
	return sock;
}

const char *hdfx_dir(void)
{
	return dir;
}

pid_t hdfx_pid(void)
{
	return pid;
}

char *hdfx_log(void)
{
	FILE *f = fopen(logpath, "r");
	char *buf = calloc(1, 65536);
	size_t n;

	if (f) {
		n = fread(buf, 1, 65535, f);
		buf[n] = 0;
		fclose(f);
	}
	return buf;
}

json_object *hdfx_call(const char *method, json_object *params)
{
	struct rpc_client *c;
	json_object *reply;
	int r = rpc_client_connect(sock, &c);

	cr_assert_eq(r, 0, "connect: %s", strerror(-r));
	r = rpc_client_call(c, method, params, &reply);
	cr_assert_eq(r, 0, "%s: %s", method, strerror(-r));
	rpc_client_close(c);
	return reply;
}

json_object *hdfx_ok(const char *method, json_object *params)
{
	json_object *reply = hdfx_call(method, params), *res;

	cr_assert(json_object_object_get_ex(reply, "result", &res), "%s failed: %s\n%s", method,
		  json_object_to_json_string(reply), hdfx_log());
	json_object_get(res);
	json_object_put(reply);
	return res;
}

const char *hdfx_err(const char *method, json_object *params, int code)
{
	static char msg[512];
	json_object *reply = hdfx_call(method, params), *e, *v;

	cr_assert(json_object_object_get_ex(reply, "error", &e), "%s: expected an error: %s", method,
		  json_object_to_json_string(reply));
	json_object_object_get_ex(e, "code", &v);
	cr_assert_eq(json_object_get_int(v), code, "%s: %s", method, json_object_to_json_string(reply));
	json_object_object_get_ex(e, "message", &v);
	snprintf(msg, sizeof(msg), "%s", json_object_get_string(v));
	json_object_put(reply);
	return msg;
}

json_object *hdfx_dom(const char *ref)
{
	json_object *p = json_object_new_object();

	json_object_object_add(p, "domain", json_object_new_string(ref));
	return p;
}

char *hdfx_raw(const char *bytes, size_t len, int ms)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	char *buf = calloc(1, 65536);
	size_t got = 0;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	while (len) {
		ssize_t n = send(fd, bytes, len, MSG_NOSIGNAL);

		if (n <= 0)
			break; /* the daemon may close on an oversized request */
		bytes += n;
		len -= (size_t)n;
	}
	for (double end = now_ms() + ms; got < 65535 && !memchr(buf, '\n', got);) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int left = (int)(end - now_ms());
		ssize_t n;

		if (left <= 0 || poll(&p, 1, left) <= 0)
			break;
		n = read(fd, buf + got, 65535 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (!memchr(buf, '\n', got)) {
		free(buf);
		return NULL;
	}
	*strchr(buf, '\n') = 0;
	return buf;
}

struct hdfx_run hdfx_cli(const char *const args[])
{
	static struct hdfx_run r;
	const char *argv[32] = { "hospes", "--socket", sock };
	int out[2], err[2], st, n = 3;
	pid_t p;

	memset(&r, 0, sizeof(r));
	for (int i = 0; args[i] && n < 31; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	cr_assert_eq(pipe(out), 0);
	cr_assert_eq(pipe(err), 0);
	p = fork();
	if (p == 0) {
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(out[0]);
		close(err[0]);
		execv(harness_path("bin/hospes"), (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	size_t no = 0, ne = 0;
	struct pollfd fds[2] = { { out[0], POLLIN, 0 }, { err[0], POLLIN, 0 } };

	for (double end = now_ms() + 30000; (fds[0].fd >= 0 || fds[1].fd >= 0) && now_ms() < end;) {
		if (poll(fds, 2, 100) <= 0)
			continue;
		for (int i = 0; i < 2; i++) {
			char *b = i ? r.err : r.out;
			size_t *k = i ? &ne : &no, cap = i ? sizeof(r.err) : sizeof(r.out);
			ssize_t m;

			if (fds[i].fd < 0 || !fds[i].revents)
				continue;
			m = read(fds[i].fd, b + *k, cap - 1 - *k);
			if (m <= 0) {
				close(fds[i].fd);
				fds[i].fd = -1;
			} else {
				*k += (size_t)m;
			}
		}
	}
	for (int i = 0; i < 2; i++)
		if (fds[i].fd >= 0) {
			close(fds[i].fd);
			kill(p, SIGKILL);
		}
	waitpid(p, &st, 0);
	r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return r;
}

const char *hdfx_file(const char *name, const char *text)
{
	static char path[8][192];
	static int k;
	char *p = path[k++ % 8];
	FILE *f;

	snprintf(p, 192, "%s/%s", dir, name);
	f = fopen(p, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	return p;
}

const char *hdfx_state(const char *name)
{
	static char st[32];
	json_object *res = hdfx_ok("domain.list", NULL), *arr, *v;
	const char *found = NULL;

	json_object_object_get_ex(res, "domains", &arr);
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *d = json_object_array_get_idx(arr, i);

		json_object_object_get_ex(d, "name", &v);
		if (strcmp(json_object_get_string(v), name))
			continue;
		json_object_object_get_ex(d, "state", &v);
		snprintf(st, sizeof(st), "%s", json_object_get_string(v));
		found = st;
	}
	json_object_put(res);
	return found;
}

int hdfx_wait_state(const char *name, const char *state_want, int ms)
{
	for (double end = now_ms() + ms; now_ms() < end; usleep(50000)) {
		const char *s = hdfx_state(name);

		if (state_want ? s && !strcmp(s, state_want) : !s)
			return 1;
	}
	return 0;
}

json_object *hdfx_nido_cfg(const char *name, const char *cmdline, const char *extra)
{
	char text[2048];
	json_object *p = json_object_new_object(), *cfg;

	snprintf(text, sizeof(text),
		 "{\"name\":\"%s\",\"memory\":32,\"kernel\":\"%s\",\"cmdline\":\"%s\"%s}", name,
		 harness_path("guests/nido.elf"), cmdline, extra);
	cfg = json_tokener_parse(text);
	cr_assert_not_null(cfg, "%s", text);
	json_object_object_add(p, "config", cfg);
	return p;
}

char *hdfx_store_read(const char *path)
{
	json_object *p = json_object_new_object(), *rep, *res, *v;
	char *out = NULL;

	json_object_object_add(p, "path", json_object_new_string(path));
	rep = hdfx_call("store.read", p);
	if (json_object_object_get_ex(rep, "result", &res) &&
	    json_object_object_get_ex(res, "value", &v))
		out = strdup(json_object_get_string(v));
	json_object_put(rep);
	return out;
}

int hdfx_wait_gone(const char *path, int ms)
{
	for (int t = 0; t <= ms; t += 50) {
		char *v = hdfx_store_read(path);

		free(v);
		if (!v)
			return 1;
		usleep(50000);
	}
	return 0;
}

unsigned hdfx_domid(const char *name)
{
	json_object *res = hdfx_ok("domain.info", hdfx_dom(name)), *v;
	unsigned id;

	cr_assert(json_object_object_get_ex(res, "domid", &v), "%s has no domid", name);
	id = (unsigned)json_object_get_int(v);
	json_object_put(res);
	return id;
}

pid_t hdfx_wait_new_pid(const char *which, pid_t old, int ms)
{
	for (int t = 0; t <= ms; t += 50) {
		pid_t now = hdfx_service_pid(which);

		if (now > 0 && now != old)
			return now;
		usleep(50000);
	}
	return 0;
}

struct hdfx_run hdfx_console_with(const char *ref, const char *input)
{
	const char *in = hdfx_file("console.in", input);
	int saved = dup(0), fd = open(in, O_RDONLY);
	struct hdfx_run r;

	cr_assert(saved >= 0 && fd >= 0);
	dup2(fd, 0);
	close(fd);
	r = hdfx_cli((const char *[]){ "console", ref, NULL });
	dup2(saved, 0);
	close(saved);
	return r;
}

void hdfx_expect_service_restart(const char *which)
{
	pid_t old = hdfx_service_pid(which), now;
	json_object *res, *svc, *s;
	char name[64];

	snprintf(name, sizeof(name), "hospes-%s", which);
	cr_assert_gt(old, 0, "hospesd did not start %s:\n%s", name, hdfx_log());
	res = hdfx_ok("host.status", NULL);
	cr_assert(json_object_object_get_ex(res, "services", &svc));
	cr_assert(json_object_object_get_ex(svc, name, &s), "%s", json_object_to_json_string(res));
	json_object_put(res);
	cr_assert_eq(kill(old, SIGKILL), 0);
	now = hdfx_wait_new_pid(which, old, 10000);
	cr_assert(now > 0 && now != old, "%s not restarted:\n%s", name, hdfx_log());
}

void hdfx_stop_clean(void)
{
	int code = hdfx_stop();

	cr_expect(code == 0 || code == -3, "hospesd exit code %d", code);
	cr_expect_eq(hdfx_leftovers, 0, "services left running after SIGTERM");
}
