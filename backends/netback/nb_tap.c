/* nb_tap.c: one TAP interface per vif (IFF_TAP, no packet information
 * header), non-blocking. It is made persistent so that it keeps its
 * addresses and bridge port when the daemon restarts: the new daemon
 * attaches to the same interface. It is deleted when its vif is removed. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nb.h"

static int set_up(const char *ifname)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r = 0;

	if (s < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
		r = -errno;
	} else if (!(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
			r = -errno;
	}
	close(s);
	return r;
}

static int add_to_bridge(const char *ifname, const char *bridge)
{
	struct ifreq ifr;
	int s, r = 0;
	unsigned idx = if_nametoindex(ifname);

	if (!idx)
		return -errno;
	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", bridge);
	ifr.ifr_ifindex = (int)idx;
	/* Already a port of it (a restart): EBUSY, nothing to do. */
	if (ioctl(s, SIOCBRADDIF, &ifr) < 0 && errno != EBUSY)
		r = -errno;
	close(s);
	return r;
}

int nb_tap_open(const char *ifname, const char *bridge, int domid)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC), r;

	if (fd < 0) {
		r = -errno;
		xbb_log(domid, "%s: /dev/net/tun: %s", ifname, strerror(errno));
		return r;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (ioctl(fd, TUNSETIFF, &ifr) < 0 || ioctl(fd, TUNSETPERSIST, 1) < 0) {
		r = -errno;
		xbb_log(domid, "%s: cannot create the TAP: %s", ifname, strerror(errno));
		close(fd);
		return r;
	}
	if ((r = set_up(ifname)) < 0)
		xbb_log(domid, "%s: cannot bring it up: %s", ifname, strerror(-r));
	if (bridge && *bridge && (r = add_to_bridge(ifname, bridge)) < 0)
		xbb_log(domid, "%s: not added to bridge %s: %s", ifname, bridge, strerror(-r));
	return fd;
}

void nb_tap_close(int fd, bool destroy)
{
	if (fd < 0)
		return;
	if (destroy)
		ioctl(fd, TUNSETPERSIST, 0); /* goes away with the last fd */
	close(fd);
}
