/* cli_console.c: hospes console DOMAIN: asks hospesd where the domain's
 * console is served (domain.console), then talks to hospes-consoled
 * directly through libconsclient. Raw terminal when stdin is a tty; Ctrl-]
 * detaches; from a pipe the input is sent and the output shown until the
 * domain ends. Exit 0 on detach or the domain's end. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cons_session.h"

int cli_console(int argc, char **argv)
{
	json_object *res;
	struct cons_conn c;
	char sock[256];
	uint32_t domid;
	int r;

	if (argc != 2)
		return cli_usage(argv[0]);
	r = cli_call("domain.console", cli_dom_params(argv[1]), &res);
	if (r)
		return r;
	domid = (uint32_t)cli_geti(res, "domid");
	snprintf(sock, sizeof(sock), "%s", cli_gets(res, "socket"));
	json_object_put(res);
	/* hospesd is not needed while attached */
	rpc_client_close(cli.rpc);
	cli.rpc = NULL;
	/* A domain created a moment ago may not be served yet: hospes-consoled
	 * takes it when its xenstore watch fires. */
	for (int tries = 0; (r = cons_attach(sock, domid, 5000, &c)) == -ESRCH && tries < 150;
	     tries++)
		usleep(20000);
	if (r < 0) {
		fprintf(stderr, "hospes: console of dom%u via %s: %s\n", domid, sock,
			r == -ESRCH ? "not served (domain gone?)" : strerror(-r));
		return CLI_FAILED;
	}
	if (isatty(0))
		fprintf(stderr, "[attached to dom%u; Ctrl-] detaches]\r\n", domid);
	switch (cons_session_run(&c, &r)) {
	case CONS_SESSION_DETACHED:
		fprintf(stderr, "\n[detached from dom%u]\n", domid);
		r = CLI_OK;
		break;
	case CONS_SESSION_ENDED:
		fprintf(stderr, "\n[dom%u: console closed, the domain ended]\n", domid);
		r = CLI_OK;
		break;
	default:
		fprintf(stderr, "\nhospes: console of dom%u: %s\n", domid, strerror(-r));
		r = CLI_FAILED;
	}
	cons_close(&c);
	return r;
}
