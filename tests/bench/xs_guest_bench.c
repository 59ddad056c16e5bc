/* xs_guest_bench.c: a guest's xenstore READ round trip over its ring.
 * Does the toolstack's steps for one nido (create with a store page, home
 * directory, name, INTRODUCE, start with script "xs-bench N"), waits for
 * it to end and prints "xenstore_guest_read_ns <ns>" from its console.
 * usage: xs_guest_bench HV_SOCKET XS_SOCKET CONSOLE_DIR NIDO_ELF N */
#include <stdio.h>
#include <stdlib.h>

#include "guest_bench.h"

int main(int argc, char **argv)
{
	struct gbench g = {.prog = "xs_guest_bench"};
	char cmdline[64], line[256];
	unsigned long n, fails, ns = 0;
	FILE *f;
	int r;

	if (argc != 6)
		return gbench_fail(&g, "usage", "HV_SOCKET XS_SOCKET CONSOLE_DIR NIDO_ELF N");
	snprintf(cmdline, sizeof(cmdline), "script=xs-bench %lu", strtoul(argv[5], NULL, 10));
	if (gbench_create(&g, argv[1], argv[2], argv[4], cmdline) ||
	    gbench_keys(&g, "bench", NULL) || gbench_start(&g) || gbench_wait_end(&g, 120000))
		return 1;
	xsc_release(g.xs, g.dom);
	hvctl_destroy(g.h, g.dom);
	if (!(f = gbench_console_log(&g, argv[3])))
		return 1;
	r = 1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "xs-bench: %lu reads, %lu failed, %lu ns per read", &n, &fails,
			   &ns) == 3 &&
		    fails == 0)
			r = 0;
	fclose(f);
	if (r)
		return gbench_fail(&g, "guest", "no xs-bench result (or failed reads)");
	printf("xenstore_guest_read_ns %lu\n", ns);
	gbench_close(&g);
	return 0;
}
