/* cli_watch.c: the hospes commands that stream or refresh: store (incl.
 * watch), events, stats and top. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* Prints notifications (their params) until count of them (0 = forever). */
static int stream(long count)
{
	for (long n = 0; !count || n < count; n++) {
		json_object *msg, *params;
		int r = rpc_client_next(cli.rpc, &msg, -1);

		if (r) {
			fprintf(stderr, "hospes: connection to hospesd: %s\n", strerror(-r));
			return CLI_FAILED;
		}
		json_object_object_get_ex(msg, "params", &params);
		if (cli.json) {
			printf("%s\n", json_object_to_json_string_ext(msg, JSON_C_TO_STRING_PLAIN |
									       JSON_C_TO_STRING_NOSLASHESCAPE));
		} else if (!strcmp(cli_gets(msg, "method"), "store.watch_event")) {
			printf("%s\n", cli_gets(params, "path"));
		} else {
			printf("%s", cli_gets(params, "type"));
			json_object_object_foreach(params, k, v)
				if (strcmp(k, "type"))
					printf(" %s=%s", k, json_object_get_string(v));
			printf("\n");
		}
		fflush(stdout);
		json_object_put(msg);
	}
	return CLI_OK;
}

static long count_opt(int argc, char **argv, int from, bool *bad)
{
	long count = 0;

	for (int i = from; i < argc; i++) {
		if (!strcmp(argv[i], "--count") && i + 1 < argc && (count = atol(argv[++i])) > 0)
			continue;
		*bad = true;
	}
	return count;
}

int cli_store(int argc, char **argv)
{
	const char *op = argc > 1 ? argv[1] : "";
	json_object *p, *res, *arr;
	bool bad = false;
	long count = 0;
	char method[32];
	int r;

	if (argc < 3 || (strcmp(op, "read") && strcmp(op, "write") && strcmp(op, "ls") &&
			 strcmp(op, "rm") && strcmp(op, "watch")))
		return cli_usage("store");
	if (!strcmp(op, "watch"))
		count = count_opt(argc, argv, 3, &bad);
	if (bad || (!strcmp(op, "write") ? argc != 4 : strcmp(op, "watch") && argc != 3))
		return cli_usage("store");
	p = json_object_new_object();
	json_object_object_add(p, "path", json_object_new_string(argv[2]));
	if (!strcmp(op, "write"))
		json_object_object_add(p, "value", json_object_new_string(argv[3]));
	snprintf(method, sizeof(method), "store.%s", op);
	r = cli_call(method, p, &res);
	if (r)
		return r;
	if (!strcmp(op, "watch")) {
		json_object_put(res);
		return stream(count);
	}
	if (cli.json)
		cli_print_json(res);
	else if (!strcmp(op, "read"))
		printf("%s\n", cli_gets(res, "value"));
	else if (!strcmp(op, "ls") && json_object_object_get_ex(res, "entries", &arr))
		for (size_t i = 0; i < json_object_array_length(arr); i++)
			printf("%s\n", json_object_get_string(json_object_array_get_idx(arr, i)));
	json_object_put(res);
	return CLI_OK;
}

int cli_events(int argc, char **argv)
{
	json_object *res;
	bool bad = false;
	long count = count_opt(argc, argv, 1, &bad);
	int r;

	if (bad)
		return cli_usage("events");
	r = cli_call("events.subscribe", NULL, &res);
	if (r)
		return r;
	json_object_put(res);
	/* Tell a script that the subscription is in place. */
	if (!cli.json)
		fprintf(stderr, "hospes: subscribed\n");
	return stream(count);
}

int cli_stats(int argc, char **argv)
{
	json_object *res, *st, *mem;
	int r;

	if (argc != 2)
		return cli_usage("stats");
	r = cli_call("domain.stats", cli_dom_params(argv[1]), &res);
	if (r)
		return r;
	if (cli.json) {
		cli_print_json(res);
	} else {
		json_object_object_get_ex(res, "domstate", &st);
		json_object_object_get_ex(res, "dommemstat", &mem);
		printf("domstate: state=%s vcpus=%" PRId64 " online=%" PRId64 " cpu_ns=%" PRId64 "\n",
		       cli_gets(st, "state"), cli_geti(st, "vcpus"), cli_geti(st, "online_vcpus"), cli_geti(st, "cpu_ns"));
		printf("dommemstat: current=%" PRId64 " KiB max=%" PRId64 " KiB target=%" PRId64
		       " KiB static-max=%" PRId64 " KiB\n",
		       cli_geti(mem, "current_kib"), cli_geti(mem, "max_kib"), cli_geti(mem, "target_kib"),
		       cli_geti(mem, "static_max_kib"));
		/* block: one line per disk */
		json_object *disks = NULL;

		json_object_object_get_ex(res, "disks", &disks);
		for (size_t i = 0; disks && i < json_object_array_length(disks); i++) {
			json_object *k = json_object_array_get_idx(disks, i);

			printf("vbd %s: reads=%" PRId64 " writes=%" PRId64 " bytes_read=%" PRId64
			       " bytes_written=%" PRId64 " errors=%" PRId64 "\n",
			       cli_gets(k, "vdev"), cli_geti(k, "reads"), cli_geti(k, "writes"),
			       cli_geti(k, "bytes_read"), cli_geti(k, "bytes_written"), cli_geti(k, "errors"));
		}
		/* net: one line per vif (tx: what the guest sent) */
		json_object *nics = NULL;

		json_object_object_get_ex(res, "nics", &nics);
		for (size_t i = 0; nics && i < json_object_array_length(nics); i++) {
			json_object *k = json_object_array_get_idx(nics, i);

			printf("vif %" PRId64 " %s %s: tx_packets=%" PRId64 " tx_bytes=%" PRId64
			       " rx_packets=%" PRId64 " rx_bytes=%" PRId64 " rx_dropped=%" PRId64
			       " tx_errors=%" PRId64 " connected=%" PRId64 "\n",
			       cli_geti(k, "devid"), cli_gets(k, "ifname"), cli_gets(k, "mac"),
			       cli_geti(k, "tx_packets"), cli_geti(k, "tx_bytes"),
			       cli_geti(k, "rx_packets"), cli_geti(k, "rx_bytes"),
			       cli_geti(k, "rx_dropped"), cli_geti(k, "tx_errors"),
			       cli_geti(k, "connected"));
		}
	}
	json_object_put(res);
	return CLI_OK;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU % needs two samples: the previous frame's cpu_ns per domid. */
struct sample {
	int64_t domid, cpu_ns;
};

int cli_top(int argc, char **argv)
{
	double interval = 1.0, last = 0;
	long iterations = 0;
	struct sample prev[1024];
	size_t nprev = 0;
	bool tty = isatty(1);

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--interval") && i + 1 < argc && (interval = atof(argv[++i])) > 0)
			continue;
		if (!strcmp(argv[i], "--iterations") && i + 1 < argc &&
		    (iterations = atol(argv[++i])) > 0)
			continue;
		return cli_usage("top");
	}
	if (iterations)
		tty = false;
	for (long it = 0; !iterations || it < iterations; it++) {
		json_object *res, *arr;
		struct sample cur[1024];
		size_t ncur = 0;
		double t = now_s();

		if (cli_call("domain.list", NULL, &res))
			return CLI_FAILED;
		json_object_object_get_ex(res, "domains", &arr);
		if (tty)
			printf("\033[H\033[2J");
		if (cli.json) {
			printf("%s\n", json_object_to_json_string_ext(res, JSON_C_TO_STRING_PLAIN));
		} else {
			printf("%-20s %5s %-9s %6s %9s %9s %5s %8s %8s %8s %8s\n", "NAME", "ID", "STATE",
			       "CPU(%)", "MEM(KiB)", "MAX(KiB)", "VCPUS", "VBD_RD", "VBD_WR", "NET_TX",
			       "NET_RX");
		}
		for (size_t i = 0; i < json_object_array_length(arr) && ncur < 1024; i++) {
			json_object *d = json_object_array_get_idx(arr, i);
			int64_t id = cli_geti(d, "domid"), ns = cli_geti(d, "cpu_ns");
			double pct = -1;

			for (size_t k = 0; k < nprev; k++)
				if (prev[k].domid == id && last > 0)
					pct = (double)(ns - prev[k].cpu_ns) / ((t - last) * 1e7);
			cur[ncur++] = (struct sample){ id, ns };
			if (cli.json)
				continue;
			printf("%-20s %5" PRId64 " %-9s ", cli_gets(d, "name"), id, cli_gets(d, "state"));
			if (pct < 0)
				printf("%6s", "-");
			else
				printf("%6.1f", pct);
			/* block: read/write requests over the domain's disks; net:
			 * packets the guest sent and received over its vifs */
			printf(" %9" PRId64 " %9" PRId64 " %5" PRId64 " %8" PRId64 " %8" PRId64
			       " %8" PRId64 " %8" PRId64 "\n",
			       cli_geti(d, "mem_cur_bytes") >> 10, cli_geti(d, "mem_max_bytes") >> 10,
			       cli_geti(d, "vcpus"), cli_geti(d, "vbd_rd"), cli_geti(d, "vbd_wr"),
			       cli_geti(d, "net_tx"), cli_geti(d, "net_rx"));
		}
		json_object_put(res);
		fflush(stdout);
		memcpy(prev, cur, ncur * sizeof(cur[0]));
		nprev = ncur;
		last = t;
		if (!iterations || it + 1 < iterations)
			usleep((useconds_t)(interval * 1e6));
	}
	return CLI_OK;
}
