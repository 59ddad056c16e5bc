/* xs_quota.c: per-domain quotas (Xen's defaults), set by --quota name=value.
 * Privileged connections (dom0) are exempt. */
#include <stdlib.h>
#include <string.h>

#include "xs.h"

unsigned xs_quota[XS_Q_COUNT] = {
	[XS_Q_NODES] = 1000,      /* nodes owned by the domain */
	[XS_Q_NODE_SIZE] = 2048,  /* value + perms + children names, bytes */
	[XS_Q_WATCHES] = 128,     /* watches per connection */
	[XS_Q_TRANSACTIONS] = 10, /* open transactions per connection */
	[XS_Q_OUTSTANDING] = 20,  /* unanswered requests per connection */
	[XS_Q_PERMS] = 5,         /* permission entries per node */
};

static const char *const names[XS_Q_COUNT] = {
	[XS_Q_NODES] = "nodes",
	[XS_Q_NODE_SIZE] = "node-size",
	[XS_Q_WATCHES] = "watches",
	[XS_Q_TRANSACTIONS] = "transactions",
	[XS_Q_OUTSTANDING] = "outstanding",
	[XS_Q_PERMS] = "perms",
};

const char *xs_quota_name(enum xs_quota_id q)
{
	return q < XS_Q_COUNT ? names[q] : "?";
}

int xs_quota_set(const char *spec)
{
	const char *eq = strchr(spec, '=');
	char *end;
	unsigned long v;

	if (!eq || !eq[1])
		return -1;
	v = strtoul(eq + 1, &end, 10);
	if (*end || eq[1] == '-' || v == 0 || v > 1000000000ul)
		return -1;
	for (int q = 0; q < XS_Q_COUNT; q++) {
		if (strlen(names[q]) == (size_t)(eq - spec) && !strncmp(spec, names[q], (size_t)(eq - spec))) {
			xs_quota[q] = (unsigned)v;
			return 0;
		}
	}
	return -1;
}
