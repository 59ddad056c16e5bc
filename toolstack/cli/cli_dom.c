/* cli_dom.c: shutdown/reboot (with --wait), mem-set/mem-max, status. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int cli_down(int argc, char **argv)
{
	json_object *p, *res, *list;
	bool wait = false, reboot = !strcmp(argv[0], "reboot");
	long timeout = -1;
	int r, domid;

	if (argc < 2)
		return cli_usage(argv[0]);
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--wait") && !reboot)
			wait = true;
		else if (!strcmp(argv[i], "--timeout") && i + 1 < argc &&
			 (timeout = strtol(argv[++i], NULL, 10)) >= 0)
			;
		else
			return cli_usage(argv[0]);
	}
	p = cli_dom_params(argv[1]);
	if (timeout >= 0)
		json_object_object_add(p, "timeout_ms", json_object_new_int64(timeout));
	r = cli_call(reboot ? "domain.reboot" : "domain.shutdown", p, &res);
	if (r)
		return r;
	domid = (int)cli_geti(res, "domid");
	cli_print_or_ok(res, NULL, NULL);
	/* --wait: until the domain id is no longer listed (ended and its
	 * action applied, or destroyed by the fallback). */
	for (int n = 0; wait; n++) {
		bool present = false;

		if (cli_call("domain.list", NULL, &res))
			return CLI_FAILED;
		json_object_object_get_ex(res, "domains", &list);
		for (size_t i = 0; i < json_object_array_length(list); i++) {
			json_object *d = json_object_array_get_idx(list, i);

			present |= cli_geti(d, "domid") == domid && strcmp(cli_gets(d, "state"), "shutdown");
		}
		json_object_put(res);
		if (!present)
			break;
		usleep(100000);
	}
	return CLI_OK;
}

int cli_mem(int argc, char **argv)
{
	json_object *p, *res;
	uint64_t bytes;
	int r;

	if (argc != 3)
		return cli_usage(argv[0]);
	if (cli_parse_size(argv[2], &bytes)) {
		fprintf(stderr, "hospes: bad size '%s'\n", argv[2]);
		return CLI_USAGE;
	}
	p = cli_dom_params(argv[1]);
	json_object_object_add(p, "bytes", json_object_new_int64((int64_t)bytes));
	r = cli_call(strcmp(argv[0], "mem-set") ? "domain.mem_max" : "domain.mem_set", p, &res);
	return r ? r : cli_print_or_ok(res, NULL, NULL);
}

int cli_status(int argc, char **argv)
{
	json_object *res, *svc;
	int r;

	if (argc != 1)
		return cli_usage("status");
	r = cli_call("host.status", NULL, &res);
	if (r)
		return r;
	if (cli.json) {
		cli_print_json(res);
	} else {
		json_object_object_get_ex(res, "services", &svc);
		printf("%-14s %8s %8s %s\n", "Service", "PID", "Restarts", "Socket");
		json_object_object_foreach(svc, name, s)
			printf("%-14s %8" PRId64 " %8" PRId64 " %s\n", name, cli_geti(s, "pid"),
			       cli_geti(s, "restarts"), cli_gets(s, "socket"));
		printf("domains: %" PRId64 "\n", cli_geti(res, "domains"));
	}
	json_object_put(res);
	return CLI_OK;
}
