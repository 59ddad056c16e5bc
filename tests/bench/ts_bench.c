/* ts_bench.c: the operator's path through the whole toolstack against
 * hospes-hv alone, both run by one hospesd (`ts_bench STATE_DIR HD_SOCK
 * KERNEL ROUNDS NDOMS`, STATE_DIR being hospesd's --state-dir):
 *   create_to_console_us  domain.create of an interactive nido through
 *                         hospesd -> its first console line written by
 *                         hospes-consoled (STATE_DIR/consoled/console-N.log), vs
 *   hv_create_to_console_us  hvctl_create (started, no xenstore, no ring) ->
 *                         the first line in hospes-hv's console_io log
 *                         (STATE_DIR/hv/console-N.log): the hypervisor part;
 *   hv_create_call_us     the hvctl_create call alone (build + start; the
 *                         rest of the above is the guest's boot to its first line);
 *   hv_own_us             hospes-hv's own time from the start to that first
 *                         console output (thread start, exits handled: all
 *                         outside KVM_RUN), from HVCTL_INFO's boot accounting;
 *   hv_alone_us           the hypervisor alone: the call + hv_own_us;
 *   hv_guest_us           the guest's part (inside KVM_RUN) of the same span;
 *   hv_build_us           hospes-hv's build of the domain inside the call;
 *   create_rate           NDOMS domain.create (paused) in a row, then NDOMS
 *                         domain.destroy, through hospesd: domains/s, vs
 *   hv_create_rate        the same with hvctl_create/hvctl_destroy.
 * Both sides watch a log file the same way (100 µs polls), so the polling
 * error is the same. Prints "name value" lines (medians over ROUNDS). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hvctl.h"
#include "rpc.h"

#define MAX_ROUNDS 64

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int call(struct rpc_client *c, const char *m, json_object *p, json_object **res)
{
	json_object *reply, *r;

	if (rpc_client_call(c, m, p, &reply))
		return -1;
	if (!json_object_object_get_ex(reply, "result", &r)) {
		fprintf(stderr, "ts_bench: %s: %s\n", m, json_object_to_json_string(reply));
		json_object_put(reply);
		return -1;
	}
	if (res)
		*res = json_object_get(r);
	json_object_put(reply);
	return 0;
}

/* Waits (5 s at most) until path holds a complete line; its time or -1. */
static double first_line(const char *path)
{
	char buf[512];

	for (double end = now_us() + 5e6; now_us() < end; usleep(100)) {
		int fd = open(path, O_RDONLY);
		ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;

		if (fd >= 0)
			close(fd);
		if (n > 0 && memchr(buf, '\n', (size_t)n))
			return now_us();
	}
	fprintf(stderr, "ts_bench: no console line in %s\n", path);
	return -1;
}

static json_object *create_params(const char *name, const char *kernel, bool paused)
{
	json_object *p = json_object_new_object(), *cfg = json_object_new_object();

	json_object_object_add(cfg, "name", json_object_new_string(name));
	json_object_object_add(cfg, "memory", json_object_new_int(32));
	json_object_object_add(cfg, "kernel", json_object_new_string(kernel));
	json_object_object_add(p, "config", cfg);
	json_object_object_add(p, "paused", json_object_new_boolean(paused));
	return p;
}

static json_object *dom_params(const char *name)
{
	json_object *d = json_object_new_object();

	json_object_object_add(d, "domain", json_object_new_string(name));
	return d;
}

/* One create -> first console line through hospesd and consoled (µs). */
static double toolstack_once(struct rpc_client *c, const char *dir, const char *kernel)
{
	json_object *res, *v;
	char path[512];
	double t0 = now_us(), t1;

	if (call(c, "domain.create", create_params("tsb", kernel, false), &res))
		return -1;
	json_object_object_get_ex(res, "domid", &v);
	snprintf(path, sizeof(path), "%s/consoled/console-%d.log", dir, json_object_get_int(v));
	json_object_put(res);
	t1 = first_line(path);
	if (call(c, "domain.destroy", dom_params("tsb"), NULL) || t1 < 0)
		return -1;
	unlink(path); /* a reused domid starts a fresh log */
	usleep(200000); /* untimed: let consoled see the release before the domid is reused */
	return t1 - t0;
}

/* The last hv_once's call alone and its boot accounting (µs). */
static double hv_call_us, hv_own_us, hv_guest_us, hv_build_us;

/* The domain's boot accounting, once its first console output is known
 * (the info can lag the log file by a moment). */
static int boot_split(struct hvctl *h, uint32_t domid)
{
	struct hvctl_dominfo i;

	for (int tries = 0; tries < 1000; tries++, usleep(1000)) {
		if (hvctl_info(h, domid, &i))
			return -1;
		if (i.boot_console_ns) {
			hv_own_us = i.boot_hv_ns / 1e3;
			hv_guest_us = i.boot_guest_ns / 1e3;
			hv_build_us = i.build_ns / 1e3;
			return 0;
		}
	}
	fprintf(stderr, "ts_bench: domain %u: no boot accounting\n", domid);
	return -1;
}

static double hv_once(struct hvctl *h, const char *dir, const char *kernel)
{
	struct hvctl_domain_config cfg = { .kernel = kernel, .mem = 32 << 20, .start = true };
	char path[512];
	uint32_t domid;
	double t0 = now_us(), t1;

	if (hvctl_create(h, &cfg, &domid))
		return -1;
	hv_call_us = now_us() - t0;
	snprintf(path, sizeof(path), "%s/hv/console-%u.log", dir, domid);
	t1 = first_line(path);
	if (t1 >= 0 && boot_split(h, domid))
		t1 = -1;
	hvctl_destroy(h, domid);
	unlink(path);
	usleep(200000);
	return t1 < 0 ? -1 : t1 - t0;
}

/* n creates (paused) then n destroys: domains per second. */
static double rate_toolstack(struct rpc_client *c, const char *kernel, unsigned n)
{
	char name[32];
	double t0 = now_us();

	for (unsigned i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "rate-%u", i);
		if (call(c, "domain.create", create_params(name, kernel, true), NULL))
			return -1;
	}
	for (unsigned i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "rate-%u", i);
		if (call(c, "domain.destroy", dom_params(name), NULL))
			return -1;
	}
	return n / ((now_us() - t0) / 1e6);
}

static double rate_hv(struct hvctl *h, const char *kernel, unsigned n)
{
	/* the same domain shape as hospesd builds: store page and console ring */
	struct hvctl_domain_config cfg = { .kernel = kernel, .mem = 32 << 20, .xenstore = true,
					   .console = true };
	uint32_t *ids = calloc(n, sizeof(*ids));
	double t0 = now_us();

	if (!ids)
		return -1;
	for (unsigned i = 0; i < n; i++)
		if (hvctl_create(h, &cfg, &ids[i])) {
			free(ids);
			return -1;
		}
	for (unsigned i = 0; i < n; i++)
		hvctl_destroy(h, ids[i]);
	free(ids);
	return n / ((now_us() - t0) / 1e6);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cmp);
	return v[n / 2];
}

int main(int argc, char **argv)
{
	double ts[MAX_ROUNDS], hv[MAX_ROUNDS], call[MAX_ROUNDS], rts[MAX_ROUNDS], rhv[MAX_ROUNDS];
	double own[MAX_ROUNDS], alone[MAX_ROUNDS], guest[MAX_ROUNDS], build[MAX_ROUNDS];
	char hvsock[512];
	struct rpc_client *c;
	struct hvctl *h;
	unsigned rounds, ndoms;

	if (argc != 6) {
		fprintf(stderr, "usage: ts_bench STATE_DIR HD_SOCK KERNEL ROUNDS NDOMS\n");
		return 2;
	}
	rounds = (unsigned)atoi(argv[4]);
	ndoms = (unsigned)atoi(argv[5]);
	if (!rounds || rounds > MAX_ROUNDS || !ndoms)
		return 2;
	snprintf(hvsock, sizeof(hvsock), "%s/hv.sock", argv[1]);
	if (rpc_client_connect(argv[2], &c) || hvctl_connect(hvsock, &h)) {
		fprintf(stderr, "ts_bench: cannot connect\n");
		return 1;
	}
	/* interleaved, so that both sides see the same machine state */
	for (unsigned i = 0; i < rounds; i++) {
		ts[i] = toolstack_once(c, argv[1], argv[3]);
		hv[i] = hv_once(h, argv[1], argv[3]);
		call[i] = hv_call_us;
		own[i] = hv_own_us;
		alone[i] = hv_call_us + hv_own_us;
		guest[i] = hv_guest_us;
		build[i] = hv_build_us;
		if (ts[i] < 0 || hv[i] < 0)
			return 1;
	}
	printf("create_to_console_us %.0f\n", median(ts, rounds));
	printf("hv_create_to_console_us %.0f\n", median(hv, rounds));
	printf("hv_create_call_us %.0f\n", median(call, rounds));
	printf("hv_own_us %.0f\n", median(own, rounds));
	printf("hv_alone_us %.0f\n", median(alone, rounds));
	printf("hv_guest_us %.0f\n", median(guest, rounds));
	printf("hv_build_us %.0f\n", median(build, rounds));
	for (unsigned i = 0; i < rounds; i++) {
		rts[i] = rate_toolstack(c, argv[3], ndoms);
		rhv[i] = rate_hv(h, argv[3], ndoms);
		if (rts[i] < 0 || rhv[i] < 0)
			return 1;
	}
	printf("create_rate %.1f\n", median(rts, rounds));
	printf("hv_create_rate %.1f\n", median(rhv, rounds));
	rpc_client_close(c);
	hvctl_close(h);
	return 0;
}
