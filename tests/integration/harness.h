/* harness.h: run hospes-hv on a guest and capture what it says. Shared by
 * the integration tests; every test here boots a real guest, on KVM or on
 * hospes-hv's software CPU where /dev/kvm is missing. */
#ifndef HOSPES_TEST_HARNESS_H
#define HOSPES_TEST_HARNESS_H

#include <stddef.h>

struct hv_run {
	int status;       /* exit code, or -signal if killed */
	int timed_out;    /* 1 if the harness had to kill it */
	char *out;        /* guest console (stdout) */
	char *err;        /* hospes-hv log (stderr) */
	double seconds;   /* wall time */
};

/* For tests that boot guests: with HOSPES_ACCEL=kvm, fails the current
 * test (loudly) when /dev/kvm cannot be opened; otherwise hospes-hv runs
 * the guests on KVM or, without /dev/kvm, on its software CPU, and the
 * binary says so once on stderr before its first test. */
void harness_require_kvm(void);
/* 1 when hospes-hv started by the tests runs guests on its software CPU
 * (HOSPES_ACCEL=emu, or no usable /dev/kvm and HOSPES_ACCEL is not kvm). */
int harness_accel_is_emu(void);

/* Path of a built artefact: "bin/hospes-hv", "guests/nido.elf". */
const char *harness_path(const char *rel);

/* Runs build/bin/hospes-hv with argv (NULL-terminated, without argv[0]),
 * killing it after timeout_s seconds. */
struct hv_run harness_run(int timeout_s, const char *const argv[]);

/* Like harness_run, and sends sig to hospes-hv once the guest console
 * (stdout) contains the text when. */
struct hv_run harness_run_signal(int timeout_s, const char *const argv[], const char *when, int sig);

/* Boots guests/<guest>.elf with `run --mem MEM [--cmdline CMDLINE]`. */
struct hv_run harness_boot(const char *guest, const char *mem, const char *cmdline);

void harness_free(struct hv_run *r);

/* The value token of the line "<key> <value>" in text (copied into buf),
 * or NULL if there is no such line. */
const char *harness_value(const char *text, const char *key, char *buf, size_t len);

/* 1 if text contains a line equal to line. */
int harness_has_line(const char *text, const char *line);

/* A conformance guest's specified results: every `CHECK <name> <value>`
 * line must match a row, every row must be reported, and
 * `CONFORMANCE DONE <n>` must count exactly n rows. */
struct harness_check {
	const char *name, *value;
};
void harness_assert_checks(const char *out, const struct harness_check *rows, size_t n);

/* The whole file as a malloc'd string ("" if it cannot be read). */
char *harness_read_file(const char *path);
/* SIGTERM to a child, waits up to ms for it, SIGKILL after that: its exit
 * code (128 + signal if killed by one), or -1 if it had to be killed. */
int harness_stop_child(int pid, int ms);

/* How many times what occurs in text (NULL text: 0). */
int harness_count(const char *text, const char *what);
/* The same in the file at path. */
int harness_file_count(const char *path, const char *what);
/* For a service child pid logging to log_path: polls (5 s at most) until
 * the log holds more than before lines with ready; fails the test, with
 * the log, if the child dies or does not get there (name for messages). */
void harness_wait_ready(int pid, const char *log_path, const char *ready, int before,
			const char *name);
/* The number of the line "<key> <number>" in a stats file, -1 if none. */
long long harness_stats_value(const char *path, const char *key);

/* Builds a file under a private temp dir and returns its path. */
const char *harness_temp_file(const char *name, const void *data, size_t len);

#endif
