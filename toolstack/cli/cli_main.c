/* cli_main.c: `hospes` command line: global options, the command table,
 * help texts; the only place that exits. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct cli cli;

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args, *help;
};

static const struct cmd cmds[] = {
	{ "create", cli_create, "FILE [--paused]",
	  "Create and start a domain from FILE: xl.cfg syntax or JSON (chosen by content).\n"
	  "Relative kernel/ramdisk paths are relative to FILE's directory." },
	{ "list", cli_list, "", "List the domains: name, id, memory, vCPUs, state, CPU time." },
	{ "info", cli_info, "DOMAIN", "Show everything hospesd knows about DOMAIN (id or name)." },
	{ "pause", cli_simple, "DOMAIN", "Pause DOMAIN's vCPUs." },
	{ "unpause", cli_simple, "DOMAIN", "Resume DOMAIN (or start one created with --paused)." },
	{ "destroy", cli_simple, "DOMAIN", "Kill DOMAIN at once and forget it." },
	{ "shutdown", cli_down, "DOMAIN [--timeout MS] [--wait]",
	  "Ask DOMAIN to power off (control/shutdown = poweroff in xenstore); if it has not\n"
	  "ended after MS milliseconds (default 10000), it is destroyed. --wait: return\n"
	  "once it is gone." },
	{ "reboot", cli_down, "DOMAIN [--timeout MS]",
	  "Ask DOMAIN to reboot (control/shutdown = reboot); if it has not ended after MS\n"
	  "milliseconds it is destroyed and built again." },
	{ "mem-set", cli_mem, "DOMAIN SIZE",
	  "Set DOMAIN's balloon target (memory/target). SIZE: a number of MiB, or with a\n"
	  "K, M or G suffix." },
	{ "mem-max", cli_mem, "DOMAIN SIZE", "Set DOMAIN's maximum memory (whole MiB)." },
	{ "store", cli_store, "read PATH | write PATH VALUE | ls PATH | rm PATH | watch PATH [--count N]",
	  "Read and change xenstore through hospesd. watch prints each event's path until\n"
	  "interrupted (or N events)." },
	{ "top", cli_top, "[--interval S] [--iterations N]",
	  "Live table of the domains: state, CPU %, memory, vCPUs (VBD_RD/VBD_WR: read and\n"
	  "write requests over its disks; NET_TX/NET_RX: packets it sent and received over\n"
	  "its vifs). Not a terminal, or --iterations: plain frames." },
	{ "stats", cli_stats, "DOMAIN",
	  "domstate and dommemstat of DOMAIN, per disk the read/write requests and bytes, and\n"
	  "per vif the packets and bytes it sent (tx) and received (rx)." },
	{ "block-attach", cli_block, "DOMAIN SPEC",
	  "Attach a disk to running DOMAIN. SPEC: an xl disk spec, e.g.\n"
	  "'format=raw, vdev=xvdb, access=rw, target=/path/img' (raw images only)." },
	{ "block-detach", cli_block, "DOMAIN VDEV",
	  "Detach DOMAIN's disk VDEV (e.g. xvdb): backend Closing, then its keys go." },
	{ "network-attach", cli_network, "DOMAIN SPEC",
	  "Attach a network interface to running DOMAIN; SPEC is an xl vif spec, e.g.\n"
	  "'mac=00:16:3e:01:02:03,bridge=br0' (devid= to choose its number)." },
	{ "network-detach", cli_network, "DOMAIN DEVID",
	  "Detach DOMAIN's vif DEVID: backend Closing, then its keys and TAP go." },
	{ "events", cli_events, "[--count N]", "Print hospesd's event stream (one line per event)." },
	{ "status", cli_status, "",
	  "hospesd's services (hospes-hv, hospes-stored, hospes-consoled, hospes-blkback,\n"
	  "hospes-netback) and their restarts." },
	{ "console", cli_console, "DOMAIN",
	  "Attach to DOMAIN's console (served by hospes-consoled). On a terminal: raw mode,\n"
	  "Ctrl-] detaches. From a pipe: the input is typed into the console and the output\n"
	  "shown until the domain ends. Exit 0 on detach or when the domain ends." },
	{ "help", NULL, "[COMMAND]", "Show the commands, or one command's help." },
};

static void print_usage(FILE *f)
{
	fprintf(f, "usage: hospes [--socket PATH] [--json] COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-9s %s\n", cmds[i].name, cmds[i].args);
	fprintf(f, "\nhospesd's socket: --socket, else $HOSPES_SOCKET, else %s.\n"
		   "Exit status: 0 ok, 1 the operation failed, 2 usage error.\n"
		   "`hospes help COMMAND` describes one command.\n", RPC_DEFAULT_SOCKET);
}

static const struct cmd *find(const char *name)
{
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

int cli_usage(const char *name)
{
	const struct cmd *c = find(name);

	if (c)
		fprintf(stderr, "usage: hospes %s %s\n", c->name, c->args);
	return CLI_USAGE;
}

static int help(int argc, char **argv)
{
	const struct cmd *c;

	if (argc < 2) {
		print_usage(stdout);
		return CLI_OK;
	}
	c = find(argv[1]);
	if (!c) {
		fprintf(stderr, "hospes: unknown command '%s'\n", argv[1]);
		return CLI_USAGE;
	}
	printf("usage: hospes %s %s\n\n%s\n", c->name, c->args, c->help);
	return CLI_OK;
}

int main(int argc, char **argv)
{
	const struct cmd *c;
	int i = 1, r;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--json")) {
			cli.json = true;
		} else if (!strcmp(argv[i], "--socket") && i + 1 < argc) {
			cli.socket = argv[++i];
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			print_usage(stdout);
			return CLI_OK;
		} else {
			print_usage(stderr);
			return CLI_USAGE;
		}
	}
	if (i >= argc) {
		print_usage(stderr);
		return CLI_USAGE;
	}
	c = find(argv[i]);
	if (!c) {
		fprintf(stderr, "hospes: unknown command '%s' (see hospes help)\n", argv[i]);
		return CLI_USAGE;
	}
	if (!c->fn)
		return help(argc - i, argv + i);
	r = c->fn(argc - i, argv + i);
	rpc_client_close(cli.rpc);
	return r;
}
