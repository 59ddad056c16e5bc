/* cli_network.c: hospes network-attach DOMAIN SPEC / network-detach DOMAIN
 * DEVID (domain.network_attach / domain.network_detach, API.md "Network"). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_network(int argc, char **argv)
{
	bool attach = !strcmp(argv[0], "network-attach");
	json_object *p, *res;
	char *end;
	long devid;
	int r;

	if (argc != 3)
		return cli_usage(argv[0]);
	p = cli_dom_params(argv[1]);
	if (attach) {
		json_object_object_add(p, "spec", json_object_new_string(argv[2]));
	} else {
		devid = strtol(argv[2], &end, 10);
		if (!*argv[2] || *end || devid < 0 || devid > 255) {
			json_object_put(p);
			return cli_usage(argv[0]);
		}
		json_object_object_add(p, "devid", json_object_new_int((int)devid));
	}
	r = cli_call(attach ? "domain.network_attach" : "domain.network_detach", p, &res);
	return r ? r : cli_print_or_ok(res, NULL, NULL);
}
