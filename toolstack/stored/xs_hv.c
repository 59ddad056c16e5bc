/* xs_hv.c: what hospes-stored asks of hospes-hv when a domain is
 * introduced: its guest RAM memfd (to map just the ring page) and a dom0
 * endpoint on its store port. Blocking libhvctl calls on a short-lived
 * connection: INTRODUCE is rare and hospes-hv answers these at once. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hvctl.h"
#include "xs_ring.h"

const char *xs_hv_socket; /* --hv-socket; NULL: $HOSPES_HV_SOCKET or the default */

/* Guest frame gfn's offset in the memfd, from the range table; -1 when no
 * RAM range holds it. */
static long long gfn_offset(const struct hvctl_memory *m, uint64_t gfn)
{
	uint64_t gpa = gfn << 12;

	if (gfn >= (1ull << 40) || m->nr_ranges > HVCTL_MEM_RANGES)
		return -1;
	for (uint32_t i = 0; i < m->nr_ranges; i++) {
		const struct hvctl_mem_range *r = &m->ranges[i];
		if (gpa >= r->gpa && gpa - r->gpa < r->size && r->size - (gpa - r->gpa) >= 4096)
			return (long long)(r->fd_offset + (gpa - r->gpa));
	}
	return -1;
}

static enum xs_err hv_err(int e)
{
	return e == -ESRCH ? XS_ENOENT : e == -EINVAL ? XS_EINVAL : XS_EIO;
}

enum xs_err xs_hv_attach(unsigned domid, uint64_t gfn, unsigned port, void **page, int *notify_fd,
			 int *kick_fd)
{
	const char *path = hvctl_socket_path(xs_hv_socket);
	struct hvctl *h;
	struct hvctl_memory m;
	uint32_t got_port;
	long long off;
	int r, mfd = -1;
	void *p;

	r = hvctl_connect(path, &h);
	if (r < 0) {
		xs_log(NULL, "dom%u: hypervisor unreachable at %s: %s", domid, path,
		       hvctl_strerror(r));
		return XS_EIO;
	}
	r = hvctl_get_memfd(h, domid, &m, &mfd);
	if (r < 0) {
		xs_log(NULL, "dom%u: no guest memory from the hypervisor: %s", domid,
		       hvctl_strerror(r));
		hvctl_close(h);
		return hv_err(r);
	}
	off = gfn_offset(&m, gfn);
	if (off < 0) {
		xs_log(NULL, "dom%u: ring frame 0x%llx is not guest RAM", domid,
		       (unsigned long long)gfn);
		close(mfd);
		hvctl_close(h);
		return XS_EINVAL;
	}
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, (off_t)off);
	close(mfd);
	if (p == MAP_FAILED) {
		xs_log(NULL, "dom%u: cannot map the ring page: %s", domid, strerror(errno));
		hvctl_close(h);
		return XS_EIO;
	}
	r = hvctl_bind_evtchn(h, domid, port, &got_port, notify_fd, kick_fd);
	hvctl_close(h);
	if (r < 0 || got_port != port) {
		xs_log(NULL, "dom%u: cannot bind store port %u: %s", domid, port,
		       r < 0 ? hvctl_strerror(r) : "other port bound");
		if (r >= 0) {
			close(*notify_fd);
			close(*kick_fd);
		}
		munmap(p, 4096);
		return r < 0 ? hv_err(r) : XS_EIO;
	}
	*page = p;
	return XS_OK;
}
