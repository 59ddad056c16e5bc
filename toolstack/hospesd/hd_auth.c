/* hd_auth.c: who may talk to hospesd: root, or a member of group `hospes`
 * (or --group NAME; primary or supplementary), decided from SO_PEERCRED, never from a message. */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "hd.h"

/* The peer's supplementary groups from /proc (its credentials at the time
 * of the check, not what the group database says about the uid). */
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

int hd_auth_peer(int fd, uid_t *uid, pid_t *pid)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct group *gr;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) || len != sizeof(cred))
		return -EACCES;
	*uid = cred.uid;
	*pid = cred.pid;
	if (cred.uid == 0)
		return 0;
	gr = getgrnam(hd.group);
	if (gr && (cred.gid == gr->gr_gid || proc_has_group(cred.pid, gr->gr_gid)))
		return 0;
	return -EACCES;
}
