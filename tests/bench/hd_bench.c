/* hd_bench.c: hospesd's costs against hospes-hv's own control socket, both
 * run by the same hospesd (`hd_bench HD_SOCK HV_SOCK KERNEL N`):
 *   rpc_rtt_ns       a JSON-RPC `version` round trip, vs
 *   hvctl_rtt_ns     an HVCTL_LIST round trip (binary, same kind of socket);
 *   create_us        domain.create (paused) + domain.destroy of nido, vs
 *   hv_create_us     hvctl_create (paused) + hvctl_destroy of the same kernel:
 * the difference is the toolstack (JSON, validation, xenstore keys,
 * crash-safe state file). Prints "name value" lines. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hvctl.h"
#include "rpc.h"

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int call(struct rpc_client *c, const char *m, json_object *p, json_object **res)
{
	json_object *reply, *r;

	if (rpc_client_call(c, m, p, &reply))
		return -1;
	if (!json_object_object_get_ex(reply, "result", &r)) {
		fprintf(stderr, "%s: %s\n", m, json_object_to_json_string(reply));
		json_object_put(reply);
		return -1;
	}
	if (res)
		*res = json_object_get(r);
	json_object_put(reply);
	return 0;
}

int main(int argc, char **argv)
{
	struct rpc_client *c;
	struct hvctl *h;
	uint32_t ids[8];
	unsigned count, n, creates;
	double t;

	if (argc != 5)
		return 2;
	n = (unsigned)atoi(argv[4]);
	creates = n / 100 ? n / 100 : 1;
	if (rpc_client_connect(argv[1], &c) || hvctl_connect(argv[2], &h)) {
		fprintf(stderr, "hd_bench: cannot connect\n");
		return 1;
	}
	t = now_ns();
	for (unsigned i = 0; i < n; i++)
		if (call(c, "version", NULL, NULL))
			return 1;
	printf("rpc_rtt_ns %.0f\n", (now_ns() - t) / n);
	t = now_ns();
	for (unsigned i = 0; i < n; i++)
		if (hvctl_list(h, ids, 8, &count))
			return 1;
	printf("hvctl_rtt_ns %.0f\n", (now_ns() - t) / n);

	t = now_ns();
	for (unsigned i = 0; i < creates; i++) {
		json_object *p = json_object_new_object(), *cfg = json_object_new_object(), *d;

		json_object_object_add(cfg, "name", json_object_new_string("bench"));
		json_object_object_add(cfg, "memory", json_object_new_int(32));
		json_object_object_add(cfg, "kernel", json_object_new_string(argv[3]));
		json_object_object_add(p, "config", cfg);
		json_object_object_add(p, "paused", json_object_new_boolean(true));
		if (call(c, "domain.create", p, NULL))
			return 1;
		d = json_object_new_object();
		json_object_object_add(d, "domain", json_object_new_string("bench"));
		if (call(c, "domain.destroy", d, NULL))
			return 1;
	}
	printf("create_us %.0f\n", (now_ns() - t) / creates / 1e3);
	t = now_ns();
	for (unsigned i = 0; i < creates; i++) {
		struct hvctl_domain_config cfg = { .kernel = argv[3], .mem = 32 << 20,
						   .xenstore = true };
		uint32_t domid;

		if (hvctl_create(h, &cfg, &domid) || hvctl_destroy(h, domid))
			return 1;
	}
	printf("hv_create_us %.0f\n", (now_ns() - t) / creates / 1e3);
	rpc_client_close(c);
	hvctl_close(h);
	return 0;
}
