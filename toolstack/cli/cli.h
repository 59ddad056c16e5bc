/* cli.h: the hospes CLI: shared state and the command functions. Every
 * command returns the process exit code: 0 ok, 1 operation failed, 2 usage. */
#ifndef HOSPES_CLI_H
#define HOSPES_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

#include "rpc.h"

#define CLI_OK 0
#define CLI_FAILED 1
#define CLI_USAGE 2

struct cli {
	const char *socket;
	bool json;
	struct rpc_client *rpc;
};

extern struct cli cli;

/* Calls method; on success *result is the result (owned by the caller).
 * Errors are printed ("hospes: <message>") and give CLI_FAILED. */
int cli_call(const char *method, json_object *params, json_object **result);
/* params {"domain": ref} where ref is a domid or a name. */
json_object *cli_dom_params(const char *ref);
/* Prints a result as indented JSON. */
void cli_print_json(json_object *o);
/* "64", "64M", "1G", "512K" -> bytes (plain numbers are MiB, as in xl). */
int cli_parse_size(const char *s, uint64_t *bytes);
int cli_usage(const char *cmd);
/* Prints res as JSON with --json (else fmt with arg, if any); frees res. */
int cli_print_or_ok(json_object *res, const char *fmt, const char *arg);
/* A member as an integer (0 if absent) / a string ("" if absent). */
int64_t cli_geti(json_object *o, const char *k);
const char *cli_gets(json_object *o, const char *k);

int cli_create(int argc, char **argv);
int cli_list(int argc, char **argv);
int cli_info(int argc, char **argv);
int cli_simple(int argc, char **argv); /* pause, unpause, destroy */
int cli_down(int argc, char **argv);   /* shutdown, reboot */
int cli_mem(int argc, char **argv);    /* mem-set, mem-max */
int cli_store(int argc, char **argv);
int cli_top(int argc, char **argv);
int cli_stats(int argc, char **argv);
int cli_events(int argc, char **argv);
int cli_status(int argc, char **argv);
int cli_console(int argc, char **argv); /* cli_console.c */
int cli_block(int argc, char **argv);   /* block: cli_block.c */
int cli_network(int argc, char **argv); /* net: cli_network.c */

#endif
