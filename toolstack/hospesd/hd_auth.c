/* hd_auth.c: who may talk to hospesd: root, or a member of group `hospes`
 * (or --group NAME; primary or supplementary), decided from SO_PEERCRED, never from a message. */
#include <errno.h>
#include <grp.h>

#include "bk_peer.h"
#include "hd.h"

int hd_auth_peer(int fd, uid_t *uid, pid_t *pid)
{
	struct ucred cred;
	struct group *gr;

	if (bk_peer_cred(fd, &cred) < 0)
		return -EACCES;
	*uid = cred.uid;
	*pid = cred.pid;
	if (cred.uid == 0)
		return 0;
	gr = getgrnam(hd.group);
	if (gr && bk_peer_in_group(&cred, gr->gr_gid))
		return 0;
	return -EACCES;
}
