/* xs_bench.c: xenstore request rates through libxsclient against a running
 * hospes-stored, each next to the same exchange (same request bytes, same
 * reply length) with a bare echo server on a UNIX socket (xs_echo.c).
 *   xs_bench STORED_SOCKET ECHO_SOCKET [N]
 * prints "<name> <value> <baseline>" lines (per second, higher is better):
 * xenstore_read, xenstore_write, xenstore_directory, xenstore_txn
 * (start + write + commit per unit) and xenstore_read_8clients. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xs_echo.h"
#include "xsclient.h"

#define CLIENTS 8
#define VALUE "0123456789abcdef0123456789abcdef" /* 32 bytes */
#define P(lit) lit, sizeof(lit) /* string payload with its NUL */

static const char *stored_path, *echo_path;
static long n_ops;

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "xs_bench: %s: %s\n", what, xsc_strerror(err));
	exit(1);
}

/* Each workload does one unit on the daemon or on the echo server. */
struct workload {
	const char *name;
	int (*daemon)(struct xsc *h);
	int (*echo)(int fd);
};

static int d_read(struct xsc *h)
{
	char *v;
	int r = xsc_read(h, 0, "/bench/key", &v, NULL);

	free(v);
	return r;
}

static int e_read(int fd)
{
	return xs_echo_call(fd, XS_READ, P("/bench/key"));
}

static int d_write(struct xsc *h)
{
	return xsc_write_str(h, 0, "/bench/w", VALUE);
}

static int e_write(int fd)
{
	static const char req[] = "/bench/w\0" VALUE;

	return xs_echo_call(fd, XS_WRITE, req, sizeof(req) - 1);
}

static int d_dir(struct xsc *h)
{
	char **names;
	int r = xsc_directory(h, 0, "/bench/dir", &names, NULL);

	free(names);
	return r;
}

static int e_dir(int fd)
{
	return xs_echo_call(fd, XS_DIRECTORY, P("/bench/dir"));
}

static int d_txn(struct xsc *h)
{
	uint32_t tx;
	int r = xsc_transaction_start(h, &tx);

	if (!r)
		r = xsc_write_str(h, tx, "/bench/t", VALUE);
	return r ? r : xsc_transaction_end(h, tx, true);
}

static int e_txn(int fd)
{
	static const char w[] = "/bench/t\0" VALUE;
	int r = xs_echo_call(fd, XS_TRANSACTION_START, "", 1);

	if (!r)
		r = xs_echo_call(fd, XS_WRITE, w, sizeof(w) - 1);
	return r ? r : xs_echo_call(fd, XS_TRANSACTION_END, "T", 2);
}

static const struct workload workloads[] = {
	{ "xenstore_read", d_read, e_read },
	{ "xenstore_write", d_write, e_write },
	{ "xenstore_directory", d_dir, e_dir },
	{ "xenstore_txn", d_txn, e_txn },
};

/* Units per second of n units on one connection (daemon or echo). */
static double rate(const struct workload *w, bool echo, long n)
{
	struct xsc *h = NULL;
	int fd = -1, r = 0;
	double t0;

	if (echo && (fd = xs_echo_connect(echo_path)) < 0)
		die("echo connect", fd);
	if (!echo && (r = xsc_open(stored_path, &h)))
		die("connect", r);
	/* warm up (caches, scheduler placement) before timing */
	for (long i = 0; i < n / 10 && !r; i++)
		r = echo ? w->echo(fd) : w->daemon(h);
	t0 = now();
	for (long i = 0; i < n && !r; i++)
		r = echo ? w->echo(fd) : w->daemon(h);
	if (r)
		die(w->name, r);
	t0 = now() - t0;
	if (echo)
		close(fd);
	xsc_close(h);
	return n / t0;
}

static pthread_barrier_t start_line;

struct client {
	bool echo;
	double end;
};

static void *client(void *arg)
{
	struct client *c = arg;
	long per = n_ops / CLIENTS;

	pthread_barrier_wait(&start_line);
	rate(&workloads[0], c->echo, per);
	c->end = now();
	return NULL;
}

/* Reads per second of CLIENTS connections together. */
static double rate_parallel(bool echo)
{
	struct client c[CLIENTS];
	pthread_t t[CLIENTS];
	double t0, last = 0;

	pthread_barrier_init(&start_line, NULL, CLIENTS + 1);
	for (int i = 0; i < CLIENTS; i++) {
		c[i].echo = echo;
		pthread_create(&t[i], NULL, client, &c[i]);
	}
	pthread_barrier_wait(&start_line);
	t0 = now();
	for (int i = 0; i < CLIENTS; i++) {
		pthread_join(t[i], NULL);
		last = c[i].end > last ? c[i].end : last;
	}
	pthread_barrier_destroy(&start_line);
	return (n_ops / CLIENTS) * CLIENTS / (last - t0);
}

/* The nodes the workloads use; the echo replies get the same lengths. */
static void setup(void)
{
	struct xsc *h;
	uint32_t tx;
	char path[32];
	int r = xsc_open(stored_path, &h);

	if (r)
		die("connect", r);
	if ((r = xsc_write_str(h, 0, "/bench/key", VALUE)))
		die("setup", r);
	for (int i = 0; i < 16; i++) {
		snprintf(path, sizeof(path), "/bench/dir/c%02d", i);
		if ((r = xsc_mkdir(h, 0, path)))
			die("setup", r);
	}
	if ((r = xsc_transaction_start(h, &tx)) || (r = xsc_transaction_end(h, tx, false)))
		die("setup", r);
	snprintf(path, sizeof(path), "%u", tx);
	xs_echo_reply_len[XS_READ] = sizeof(VALUE) - 1;
	xs_echo_reply_len[XS_WRITE] = 3;                 /* "OK\0" */
	xs_echo_reply_len[XS_DIRECTORY] = 16 * 4;        /* "cNN\0" x 16 */
	xs_echo_reply_len[XS_TRANSACTION_START] = (uint32_t)strlen(path) + 1;
	xs_echo_reply_len[XS_TRANSACTION_END] = 3;
	xsc_close(h);
}

int main(int argc, char **argv)
{
	int r;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: xs_bench STORED_SOCKET ECHO_SOCKET [N]\n");
		return 2;
	}
	stored_path = argv[1];
	echo_path = argv[2];
	n_ops = argc > 3 ? atol(argv[3]) : 20000;
	if (n_ops < CLIENTS) {
		fprintf(stderr, "xs_bench: N must be at least %d\n", CLIENTS);
		return 2;
	}
	setup();
	if ((r = xs_echo_start(echo_path)))
		die("echo server", r);
	for (size_t i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++) {
		const struct workload *w = &workloads[i];
		long n = w->daemon == d_txn ? n_ops / 3 : n_ops;
		double echo = rate(w, true, n), daemon = rate(w, false, n);

		printf("%s %.0f %.0f\n", w->name, daemon, echo);
	}
	double echo = rate_parallel(true), daemon = rate_parallel(false);
	printf("xenstore_read_8clients %.0f %.0f\n", daemon, echo);
	return 0;
}
