/* console_cli.c: hospes-console DOMID [--socket PATH]: attaches the
 * terminal to a domain's console through hospes-consoled. Raw mode when
 * stdin is a tty; Ctrl-] detaches. Exit: 0 detached or the domain ended,
 * 1 failure, 2 usage error. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cons_session.h"

int main(int argc, char **argv)
{
	const char *sock = NULL;
	struct cons_conn c;
	long domid = -1;
	char *end;
	int r;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--socket") && i + 1 < argc) {
			sock = argv[++i];
		} else if (domid < 0 && argv[i][0] >= '0' && argv[i][0] <= '9') {
			domid = strtol(argv[i], &end, 10);
			if (*end || domid > 0x7fef)
				domid = -2;
		} else {
			domid = -2;
		}
	}
	if (domid < 0) {
		fprintf(stderr, "usage: hospes-console DOMID [--socket PATH]\n"
				"Attaches to the domain's console; Ctrl-] detaches.\n");
		return 2;
	}
	if ((r = cons_attach(sock, (uint32_t)domid, 5000, &c)) < 0) {
		fprintf(stderr, "hospes-console: dom%ld via %s: %s\n", domid, cons_socket_path(sock),
			r == -ESRCH ? "no console served for this domain" : strerror(-r));
		return 1;
	}
	if (isatty(0))
		fprintf(stderr, "[attached to dom%ld; Ctrl-] detaches]\r\n", domid);
	switch (cons_session_run(&c, &r)) {
	case CONS_SESSION_DETACHED:
		r = 0;
		break;
	case CONS_SESSION_ENDED:
		fprintf(stderr, "\nhospes-console: the domain ended\n");
		r = 0;
		break;
	default:
		fprintf(stderr, "\nhospes-console: %s\n", strerror(-r));
		r = 1;
	}
	cons_close(&c);
	return r;
}
