/* cli_block.c: hospes block-attach DOMAIN SPEC / block-detach DOMAIN VDEV
 * (domain.block_attach / domain.block_detach). A relative image path in
 * SPEC is made absolute here: hospesd runs in another directory. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* SPEC with its target (target=... or the first positional field)
 * absolute; out has room for PATH_MAX + the spec. */
static void absolute_spec(const char *spec, char *out, size_t len)
{
	const char *t = strstr(spec, "target=");
	size_t at;
	char cwd[PATH_MAX];

	if (t && (t == spec || t[-1] == ',' || t[-1] == ' '))
		at = (size_t)(t - spec) + 7;
	else if (!strchr(spec, '=') || (strchr(spec, ',') && strchr(spec, ',') < strchr(spec, '=')))
		at = 0; /* positional: target first */
	else
		at = strlen(spec);
	while (spec[at] == ' ')
		at++;
	if (!spec[at] || spec[at] == '/' || spec[at] == ',' || !getcwd(cwd, sizeof(cwd))) {
		snprintf(out, len, "%s", spec);
		return;
	}
	snprintf(out, len, "%.*s%s/%s", (int)at, spec, cwd, spec + at);
}

int cli_block(int argc, char **argv)
{
	bool attach = !strcmp(argv[0], "block-attach");
	char spec[PATH_MAX + 512];
	json_object *p, *res;
	int r;

	if (argc != 3)
		return cli_usage(argv[0]);
	p = cli_dom_params(argv[1]);
	if (attach) {
		absolute_spec(argv[2], spec, sizeof(spec));
		json_object_object_add(p, "spec", json_object_new_string(spec));
	} else {
		json_object_object_add(p, "vdev", json_object_new_string(argv[2]));
	}
	r = cli_call(attach ? "domain.block_attach" : "domain.block_detach", p, &res);
	return r ? r : cli_print_or_ok(res, NULL, NULL);
}
