/* bk_peer.h: who is at the other end of a UNIX socket, for the daemons
 * that let more than root in (hospes-consoled, hospesd): SO_PEERCRED and
 * membership of a group, never what a message says. */
#ifndef HOSPES_BK_PEER_H
#define HOSPES_BK_PEER_H

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>

/* The peer's pid, uid and gid at connect: 0, or -EACCES if unknown. */
int bk_peer_cred(int fd, struct ucred *cr);
/* Whether the peer is in group gid: its primary group, or a
 * supplementary one as the kernel holds them for its pid now
 * (/proc/<pid>/status, not what the group database says of the uid). */
bool bk_peer_in_group(const struct ucred *cr, gid_t gid);

#endif
