/* cons_auth.c: who may attach to consoles: root, the user the daemon runs
 * as, and with --group NAME the members of that group (primary or
 * supplementary), decided from SO_PEERCRED at accept. The socket's mode
 * (0600, or 0660 with that group) is the first gate, this the second. */
#include <errno.h>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bk_peer.h"
#include "cons.h"

const char *cons_group;
static gid_t group_gid;
static bool have_group;

int cons_auth_init(void)
{
	struct group *gr;

	if (!cons_group)
		return 0;
	gr = getgrnam(cons_group);
	if (!gr) {
		/* hospesd passes its API group whether or not it exists */
		xbb_log(-1, "group %s does not exist: the socket stays owner-only", cons_group);
		return 0;
	}
	group_gid = gr->gr_gid;
	have_group = true;
	return 0;
}

/* Mode 0660 and the group's gid on the socket, or 0600 without a group. */
int cons_auth_socket(const char *path)
{
	if (have_group && chown(path, (uid_t)-1, group_gid) < 0)
		return -errno;
	if (chmod(path, have_group ? 0660 : 0600) < 0)
		return -errno;
	return 0;
}

int cons_auth_peer(int fd)
{
	struct ucred cr;

	if (bk_peer_cred(fd, &cr) < 0)
		return -EACCES;
	if (cr.uid == 0 || cr.uid == geteuid())
		return 0;
	if (have_group && bk_peer_in_group(&cr, group_gid))
		return 0;
	xbb_log(-1, "refused pid %d uid %u: not root nor in group %s", (int)cr.pid,
		(unsigned)cr.uid, have_group ? cons_group : "(none)");
	return -EACCES;
}
