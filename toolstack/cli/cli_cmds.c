/* cli_cmds.c: the request helper and the commands create, list, info,
 * pause/unpause/destroy. */
#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int cli_call(const char *method, json_object *params, json_object **result)
{
	json_object *reply, *err, *v;
	int r;

	if (!cli.rpc) {
		r = rpc_client_connect(cli.socket, &cli.rpc);
		if (r) {
			json_object_put(params);
			fprintf(stderr, "hospes: cannot reach hospesd at %s: %s\n",
				rpc_socket_path(cli.socket), strerror(-r));
			return CLI_FAILED;
		}
	}
	r = rpc_client_call(cli.rpc, method, params, &reply);
	if (r) {
		fprintf(stderr, "hospes: %s: %s\n", method, strerror(-r));
		return CLI_FAILED;
	}
	if (json_object_object_get_ex(reply, "error", &err)) {
		const char *m = json_object_object_get_ex(err, "message", &v) ? json_object_get_string(v) : "failed";

		if (cli.json)
			cli_print_json(err);
		fprintf(stderr, "hospes: %s\n", m);
		json_object_put(reply);
		return CLI_FAILED;
	}
	json_object_object_get_ex(reply, "result", &v);
	*result = json_object_get(v);
	json_object_put(reply);
	return CLI_OK;
}

json_object *cli_dom_params(const char *ref)
{
	json_object *p = json_object_new_object();
	char *end;
	long id = strtol(ref, &end, 10);

	if (*ref && !*end && id > 0)
		json_object_object_add(p, "domain", json_object_new_int((int)id));
	else
		json_object_object_add(p, "domain", json_object_new_string(ref));
	return p;
}

void cli_print_json(json_object *o)
{
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
}

int cli_parse_size(const char *s, uint64_t *bytes)
{
	char *end;
	unsigned long long v;
	uint64_t mul = 1ull << 20;

	if (!*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	if (*end == 'k' || *end == 'K')
		mul = 1ull << 10, end++;
	else if (*end == 'm' || *end == 'M')
		end++;
	else if (*end == 'g' || *end == 'G')
		mul = 1ull << 30, end++;
	if (*end == 'i' || *end == 'B')
		end += *end == 'i' && end[1] == 'B' ? 2 : 1;
	if (*end || v > (1ull << 40) / mul * 1024)
		return -EINVAL;
	*bytes = v * mul;
	return 0;
}

int cli_print_or_ok(json_object *res, const char *fmt, const char *arg)
{
	if (cli.json)
		cli_print_json(res);
	else if (fmt)
		printf(fmt, arg);
	json_object_put(res);
	return CLI_OK;
}

int cli_create(int argc, char **argv)
{
	json_object *p, *res, *v;
	char real[PATH_MAX], *text, dir[PATH_MAX];
	bool paused = false;
	const char *file = NULL;
	FILE *f;
	size_t n;
	int r;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--paused"))
			paused = true;
		else if (!file && argv[i][0] != '-')
			file = argv[i];
		else
			return cli_usage("create");
	}
	if (!file)
		return cli_usage("create");
	f = fopen(file, "r");
	if (!f || !realpath(file, real)) {
		fprintf(stderr, "hospes: %s: %s\n", file, strerror(errno));
		if (f)
			fclose(f);
		return CLI_FAILED;
	}
	text = malloc(RPC_MAX_LINE / 2 + 1);
	n = text ? fread(text, 1, RPC_MAX_LINE / 2, f) : 0;
	r = text && !feof(f);
	fclose(f);
	if (!text || r) {
		fprintf(stderr, "hospes: %s: larger than %d bytes\n", file, RPC_MAX_LINE / 2);
		free(text);
		return CLI_FAILED;
	}
	text[n] = 0;
	snprintf(dir, sizeof(dir), "%s", real);
	p = json_object_new_object();
	json_object_object_add(p, "config_text", json_object_new_string(text));
	json_object_object_add(p, "base_dir", json_object_new_string(dirname(dir)));
	if (paused)
		json_object_object_add(p, "paused", json_object_new_boolean(true));
	free(text);
	r = cli_call("domain.create", p, &res);
	if (r)
		return r;
	if (cli.json) {
		cli_print_json(res);
	} else {
		json_object_object_get_ex(res, "domid", &v);
		printf("created domain %d", json_object_get_int(v));
		json_object_object_get_ex(res, "name", &v);
		printf(" (%s)\n", json_object_get_string(v));
	}
	json_object_put(res);
	return CLI_OK;
}

int64_t cli_geti(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_int64(v) : 0;
}

const char *cli_gets(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "";
}

int cli_list(int argc, char **argv)
{
	json_object *res, *arr;
	int r;

	if (argc != 1)
		return cli_usage("list");
	r = cli_call("domain.list", NULL, &res);
	if (r)
		return r;
	if (cli.json) {
		cli_print_json(res);
		json_object_put(res);
		return CLI_OK;
	}
	json_object_object_get_ex(res, "domains", &arr);
	printf("%-24s %5s %8s %5s %-10s %9s\n", "Name", "ID", "Mem(MiB)", "VCPUs", "State", "Time(s)");
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *d = json_object_array_get_idx(arr, i);

		printf("%-24s %5" PRId64 " %8" PRId64 " %5" PRId64 " %-10s %9.1f\n", cli_gets(d, "name"),
		       cli_geti(d, "domid"), cli_geti(d, "mem_cur_bytes") >> 20, cli_geti(d, "vcpus"),
		       cli_gets(d, "state"), (double)cli_geti(d, "cpu_ns") / 1e9);
	}
	json_object_put(res);
	return CLI_OK;
}

int cli_info(int argc, char **argv)
{
	json_object *res;
	int r;

	if (argc != 2)
		return cli_usage("info");
	r = cli_call("domain.info", cli_dom_params(argv[1]), &res);
	if (r)
		return r;
	if (cli.json) {
		cli_print_json(res);
	} else {
		json_object_object_foreach(res, k, v) {
			if (json_object_is_type(v, json_type_object) || json_object_is_type(v, json_type_array))
				printf("%-18s %s\n", k, json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
			else
				printf("%-18s %s\n", k, json_object_get_string(v));
		}
	}
	json_object_put(res);
	return CLI_OK;
}

int cli_simple(int argc, char **argv)
{
	char method[32];
	json_object *res;
	int r;

	if (argc != 2)
		return cli_usage(argv[0]);
	snprintf(method, sizeof(method), "domain.%s", argv[0]);
	r = cli_call(method, cli_dom_params(argv[1]), &res);
	return r ? r : cli_print_or_ok(res, NULL, NULL);
}
