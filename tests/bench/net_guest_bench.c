/* net_guest_bench.c: the toolstack's steps for one nido with one PV
 * network interface served by a running hospes-netback: create with a
 * store page, home directory, the vif frontend and backend directories
 * in one transaction (mac 00:16:3e:00:07:<domid>), INTRODUCE, start with
 * "script=SCRIPT". Prints "domid N" and exits; the caller destroys the
 * domain (hospes-hvctl destroy) when it is done.
 * usage: net_guest_bench HV_SOCKET XS_SOCKET NIDO_ELF SCRIPT */
#include <stdio.h>

#include "guest_bench.h"

int main(int argc, char **argv)
{
	struct gbench g = {.prog = "net_guest_bench"};
	char cmdline[512], mac[24];
	const char *const keys[][2] = {{"online", "1"}, {"handle", "0"}, {"mac", mac}};
	const char *const fkeys[][2] = {{"handle", "0"}, {"mac", mac}};
	const struct gbench_dev vif = {"vif", 0, keys, 3, fkeys, 2};

	if (argc != 5)
		return gbench_fail(&g, "usage", "HV_SOCKET XS_SOCKET NIDO_ELF SCRIPT");
	snprintf(cmdline, sizeof(cmdline), "script=%s", argv[4]);
	if (gbench_create(&g, argv[1], argv[2], argv[3], cmdline))
		return 1;
	snprintf(mac, sizeof(mac), "00:16:3e:00:07:%02x", g.dom & 0xff);
	if (gbench_keys(&g, "netbench", &vif) || gbench_start(&g))
		return 1;
	printf("domid %u\n", g.dom);
	gbench_close(&g);
	return 0;
}
