/* harness.c: fork/exec hospes-hv with pipes, a deadline and full capture. */
#include "harness.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* HOSPES_ACCEL as hospes-hv reads it: "kvm" forces KVM, "emu" the
 * software CPU, anything else (or nothing) means KVM when it is there. */
static const char *accel_env(void)
{
	const char *a = getenv("HOSPES_ACCEL");
	return a ? a : "auto";
}

static int kvm_usable(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

/* Once per test binary (in the runner, before any test): say loudly when
 * guests will run on the software CPU instead of KVM. */
ReportHook(PRE_ALL)(struct criterion_test_set *set)
{
	(void)set;
	if (!strcmp(accel_env(), "emu"))
		fprintf(stderr, "NOTE: HOSPES_ACCEL=emu: guests run on Hospes's software CPU\n");
	else if (strcmp(accel_env(), "kvm") && !kvm_usable())
		fprintf(stderr, "NOTE: /dev/kvm unavailable: guests run on Hospes's software CPU\n");
}

int harness_accel_is_emu(void)
{
	if (!strcmp(accel_env(), "emu"))
		return 1;
	return strcmp(accel_env(), "kvm") && !kvm_usable();
}

void harness_require_kvm(void)
{
	if (!strcmp(accel_env(), "emu"))
		return;
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0 && !strcmp(accel_env(), "kvm"))
		cr_assert_fail("this test boots a guest and HOSPES_ACCEL=kvm needs /dev/kvm: %s",
			       strerror(errno));
	if (fd >= 0)
		close(fd);
	/* Otherwise hospes-hv falls back to its software CPU (the banner
	 * above said so). */
}

/* The build directory is three levels above this binary
 * (BUILD/tests/integration/test_x), so ASan builds find their own tree. */
const char *harness_path(const char *rel)
{
	static char paths[16][PATH_MAX];
	static int next;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	cr_assert(n > 0, "readlink /proc/self/exe");
	exe[n] = '\0';
	char *dir = dirname(dirname(dirname(exe)));
	char *p = paths[next++ % 16];
	snprintf(p, PATH_MAX, "%s/%s", dir, rel);
	return p;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct sink {
	char *buf;
	size_t len, cap;
};

static int sink_read(struct sink *s, int fd)
{
	if (s->cap - s->len < 4096) {
		s->cap = s->cap * 2 + 8192;
		s->buf = realloc(s->buf, s->cap);
		cr_assert(s->buf);
	}
	ssize_t n = read(fd, s->buf + s->len, s->cap - s->len - 1);
	if (n > 0)
		s->len += n;
	s->buf[s->len] = '\0';
	return n > 0 || (n < 0 && errno == EINTR);
}

struct hv_run harness_run_signal(int timeout_s, const char *const argv[], const char *when, int sig)
{
	int out[2], err[2];
	cr_assert(pipe2(out, O_CLOEXEC) == 0 && pipe2(err, O_CLOEXEC) == 0);
	const char *args[64] = { harness_path("bin/hospes-hv") };
	int n = 1;
	for (; argv[n - 1] && n < 63; n++)
		args[n] = argv[n - 1];
	args[n] = NULL;

	double start = now();
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		dup2(out[1], 1);
		dup2(err[1], 2);
		execv(args[0], (char *const *)args);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);

	struct hv_run r = { 0 };
	struct sink so = { 0 }, se = { 0 };
	sink_read(&so, -1);
	sink_read(&se, -1);
	struct pollfd pfd[2] = { { out[0], POLLIN, 0 }, { err[0], POLLIN, 0 } };
	int open_fds = 2;
	int signalled = 0;
	while (open_fds > 0) {
		if (when && !signalled && so.buf && strstr(so.buf, when)) {
			kill(pid, sig);
			signalled = 1;
		}
		int left = (int)((start + timeout_s - now()) * 1000);
		if (left <= 0) {
			r.timed_out = 1;
			kill(pid, SIGKILL);
			break;
		}
		if (poll(pfd, 2, left) <= 0)
			continue;
		for (int i = 0; i < 2; i++) {
			if (!pfd[i].revents)
				continue;
			if (!sink_read(i ? &se : &so, pfd[i].fd)) {
				pfd[i].fd = -1;
				open_fds--;
			}
		}
	}
	int status;
	waitpid(pid, &status, 0);
	close(out[0]);
	close(err[0]);
	r.seconds = now() - start;
	r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
	r.out = so.buf;
	r.err = se.buf;
	return r;
}

struct hv_run harness_run(int timeout_s, const char *const argv[])
{
	return harness_run_signal(timeout_s, argv, NULL, 0);
}

struct hv_run harness_boot(const char *guest, const char *mem, const char *cmdline)
{
	char elf[64];
	snprintf(elf, sizeof(elf), "guests/%s.elf", guest);
	const char *argv[] = { "run", harness_path(elf), "--mem", mem,
			       cmdline ? "--cmdline" : NULL, cmdline, NULL };
	return harness_run(60, argv);
}

void harness_free(struct hv_run *r)
{
	free(r->out);
	free(r->err);
}

const char *harness_value(const char *text, const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key);
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (strncmp(l, key, klen) == 0 && l[klen] == ' ') {
			const char *v = l + klen + 1;
			size_t n = strcspn(v, "\r\n");
			if (n >= len)
				n = len - 1;
			memcpy(buf, v, n);
			buf[n] = '\0';
			return buf;
		}
	}
	return NULL;
}

int harness_has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (strncmp(l, line, n) == 0 && (l[n] == '\n' || l[n] == '\r' || l[n] == '\0'))
			return 1;
	return 0;
}

const char *harness_temp_file(const char *name, const void *data, size_t len)
{
	static char dir[64];
	static char path[PATH_MAX];
	if (!dir[0]) {
		strcpy(dir, "/tmp/hospes-test-XXXXXX");
		cr_assert(mkdtemp(dir));
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	cr_assert(f);
	cr_assert(fwrite(data, 1, len, f) == len);
	fclose(f);
	return path;
}

void harness_assert_checks(const char *out, const struct harness_check *rows, size_t n)
{
	char key[96], got[128];
	int bad = 0;
	for (size_t i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "CHECK %s", rows[i].name);
		if (!harness_value(out, key, got, sizeof(got))) {
			cr_log_error("%s: not reported", rows[i].name);
			bad++;
		} else if (strcmp(got, rows[i].value) != 0) {
			cr_log_error("%s: got %s, want %s", rows[i].name, got, rows[i].value);
			bad++;
		}
	}
	for (const char *l = strstr(out, "CHECK "); l; l = strstr(l + 1, "\nCHECK ")) {
		const char *name = l + (l[0] == '\n' ? 7 : 6);
		size_t len = strcspn(name, " \n");
		int found = 0;
		for (size_t i = 0; i < n && !found; i++)
			found = strlen(rows[i].name) == len && !strncmp(name, rows[i].name, len);
		if (!found) {
			cr_log_error("unlisted check %.*s", (int)len, name);
			bad++;
		}
	}
	cr_assert(harness_value(out, "CONFORMANCE DONE", got, sizeof(got)), "no CONFORMANCE DONE:\n%s", out);
	if (strtoul(got, NULL, 10) != n) {
		cr_log_error("guest ran %s checks, the table has %zu", got, n);
		bad++;
	}
	cr_assert_eq(bad, 0, "%d checks wrong; guest output:\n%s", bad, out);
}

char *harness_read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t cap = 4096, len = 0, n;
	char *buf = malloc(cap);

	cr_assert_not_null(buf);
	while (f && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len < 2) {
			buf = realloc(buf, cap *= 2);
			cr_assert_not_null(buf);
		}
	}
	buf[len] = 0;
	if (f)
		fclose(f);
	return buf;
}

int harness_stop_child(int pid, int ms)
{
	int st;

	if (pid <= 0)
		return -1;
	kill(pid, SIGTERM);
	for (int i = 0; i <= ms / 10; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

int harness_count(const char *text, const char *what)
{
	int n = 0;

	for (const char *p = text; p && (p = strstr(p, what)); p++)
		n++;
	return n;
}

int harness_file_count(const char *path, const char *what)
{
	char *text = harness_read_file(path);
	int n = harness_count(text, what);

	free(text);
	return n;
}

void harness_wait_ready(int pid, const char *log_path, const char *ready, int before,
			const char *name)
{
	for (int i = 0; i < 250; i++) {
		if (harness_file_count(log_path, ready) > before)
			return;
		cr_assert_eq(waitpid(pid, NULL, WNOHANG), 0, "%s died:\n%s", name,
			     harness_read_file(log_path));
		usleep(20000);
	}
	cr_assert_fail("%s did not start:\n%s", name, harness_read_file(log_path));
}

long long harness_stats_value(const char *path, const char *key)
{
	char *s = harness_read_file(path), *p;
	size_t kl = strlen(key);
	long long v = -1;

	for (p = s; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, key, kl) && p[kl] == ' ') {
			v = strtoll(p + kl + 1, NULL, 10);
			break;
		}
	free(s);
	return v;
}
