/* blk_guest_bench.c: the guest side of the block benchmarks. Does the
 * toolstack's steps for one nido with one PV disk served by a running
 * hospes-blkback (create with a store page, home directory, vbd frontend
 * and backend directories in one transaction, INTRODUCE, start with
 * "blk-dev=51712 script=SCRIPT"), waits for it to end and copies its
 * console's "blk-bench:" lines to stdout, each followed by the backend's
 * CPU time over the whole run: "blk-backend-cpu-us <us>" (utime + stime
 * of BLKBACK_PID from /proc, read before start and after the end).
 * usage: blk_guest_bench HV_SOCKET XS_SOCKET CONSOLE_DIR NIDO_ELF IMAGE BLKBACK_PID SCRIPT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guest_bench.h"

#define DEVID 51712u

/* utime + stime of pid in microseconds, or -1. */
static long long cpu_us(const char *pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut, st;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	if (!(f = fopen(path, "r")))
		return -1;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	if (!p || !(p = strrchr(buf, ')')))
		return -1;
	/* after ") ": state(3) ... utime is field 14, stime 15 */
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return -1;
	return (long long)((ut + st) * 1000000ull / (unsigned long long)sysconf(_SC_CLK_TCK));
}

int main(int argc, char **argv)
{
	struct gbench g = {.prog = "blk_guest_bench"};
	char cmdline[512], path[512], line[512];
	const char *const keys[][2] = {
	    {"params", argc > 5 ? argv[5] : ""}, {"mode", "w"}, {"type", "file"}, {"online", "1"}};
	const char *const fkeys[][2] = {{"virtual-device", "51712"}, {"device-type", "disk"}};
	const struct gbench_dev vbd = {"vbd", DEVID, keys, 4, fkeys, 2};
	long long cpu0, cpu1;
	int lines = 0;
	FILE *f;

	if (argc != 8)
		return gbench_fail(
		    &g, "usage",
		    "HV_SOCKET XS_SOCKET CONSOLE_DIR NIDO_ELF IMAGE BLKBACK_PID SCRIPT");
	snprintf(cmdline, sizeof(cmdline), "blk-dev=%u script=%s", DEVID, argv[7]);
	if (gbench_create(&g, argv[1], argv[2], argv[4], cmdline) || gbench_keys(&g, "bench", &vbd))
		return 1;
	cpu0 = cpu_us(argv[6]);
	if (gbench_start(&g) || gbench_wait_end(&g, 300000))
		return 1;
	cpu1 = cpu_us(argv[6]);
	/* The toolstack's teardown: frontend gone, backend dir removed. */
	snprintf(path, sizeof(path), "/local/domain/0/backend/vbd/%u", g.dom);
	xsc_rm(g.xs, 0, path);
	xsc_release(g.xs, g.dom);
	hvctl_destroy(g.h, g.dom);
	snprintf(path, sizeof(path), "/local/domain/%u", g.dom);
	xsc_rm(g.xs, 0, path);
	if (!(f = gbench_console_log(&g, argv[3])))
		return 1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "blk-bench: mode=", 16) && strstr(line, " errors=0\n")) {
			fputs(line, stdout);
			lines++;
		}
	fclose(f);
	if (!lines)
		return gbench_fail(&g, "guest", "no blk-bench result without errors");
	printf("blk-backend-cpu-us %lld\n", cpu0 < 0 || cpu1 < 0 ? -1 : cpu1 - cpu0);
	gbench_close(&g);
	return 0;
}
