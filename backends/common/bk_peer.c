/* bk_peer.c: a UNIX socket peer's credentials and group membership. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bk_peer.h"

int bk_peer_cred(int fd, struct ucred *cr)
{
	socklen_t len = sizeof(*cr);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, cr, &len) < 0 || len != sizeof(*cr))
		return -EACCES;
	return 0;
}

/* Supplementary groups as the kernel holds them for pid now. */
static bool proc_has_group(pid_t pid, gid_t gid)
{
	char path[64], line[4096];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		char *p, *end;

		if (strncmp(line, "Groups:", 7))
			continue;
		for (p = line + 7;; p = end) {
			unsigned long g = strtoul(p, &end, 10);

			if (end == p)
				break;
			found |= g == gid;
		}
	}
	fclose(f);
	return found;
}

bool bk_peer_in_group(const struct ucred *cr, gid_t gid)
{
	return cr->gid == gid || proc_has_group(cr->pid, gid);
}
