/* hvctl_gnt_client.c: libhvctl's grant requests (dom0 as a grantee) and
 * the map_pages helper that maps the granter's memfd once. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hvctl.h"

int hvctl_gnt_map(struct hvctl *h, uint32_t domid, const uint32_t *refs, unsigned count,
		  bool readonly, struct hvctl_gnt_mapping *maps)
{
	struct hvctl_gnt_map q = { domid, count, readonly ? HVCTL_GNT_READONLY : 0, 0, { 0 } };
	struct hvctl_gnt_map_reply rep;
	uint32_t got;
	int r;

	if (!count || count > HVCTL_GNT_BATCH)
		return -EINVAL;
	memcpy(q.refs, refs, count * sizeof(*refs));
	if ((r = hvctl_call(h, HVCTL_GNT_MAP, &q, sizeof(q), &rep, sizeof(rep), &got, NULL)))
		return r;
	if (rep.count != count)
		return -EPROTO;
	memcpy(maps, rep.maps, count * sizeof(*maps));
	return 0;
}

int hvctl_gnt_unmap(struct hvctl *h, const uint32_t *handles, unsigned count, int32_t *status)
{
	struct hvctl_gnt_unmap q = { count, 0, { 0 } };
	struct hvctl_gnt_unmap_reply rep;
	uint32_t got;
	int r;

	if (!count || count > HVCTL_GNT_BATCH)
		return -EINVAL;
	memcpy(q.handles, handles, count * sizeof(*handles));
	if ((r = hvctl_call(h, HVCTL_GNT_UNMAP, &q, sizeof(q), &rep, sizeof(rep), &got, NULL)))
		return r;
	if (rep.count != count)
		return -EPROTO;
	if (status)
		memcpy(status, rep.status, count * sizeof(*status));
	return 0;
}

int hvctl_gnt_copy(struct hvctl *h, uint32_t domid, const struct hvctl_gnt_seg *segs,
		   unsigned count, const void *in, void *out, int32_t *status)
{
	struct hvctl_gnt_copy_reply *rep;
	struct hvctl_gnt_copy q;
	size_t nin = 0, nout = 0, at = 0;
	uint32_t got;
	int r;

	if (!count || count > HVCTL_GNT_COPY_SEGS)
		return -EINVAL;
	memset(&q, 0, sizeof(q));
	q.domid = domid;
	q.count = count;
	memcpy(q.segs, segs, count * sizeof(*segs));
	for (unsigned i = 0; i < count; i++) {
		if (at + segs[i].len > HVCTL_GNT_COPY_BYTES)
			return -EINVAL;
		if (segs[i].flags & HVCTL_GNT_TO_GUEST) {
			memcpy(q.data + at, (const uint8_t *)in + nin, segs[i].len);
			nin += segs[i].len;
		}
		at += segs[i].len;
	}
	if (!(rep = malloc(sizeof(*rep))))
		return -ENOMEM;
	r = hvctl_call(h, HVCTL_GNT_COPY, &q, sizeof(q), rep, sizeof(*rep), &got, NULL);
	if (!r && rep->count != count)
		r = -EPROTO;
	at = 0;
	for (unsigned i = 0; !r && i < count; i++) {
		if (!(segs[i].flags & HVCTL_GNT_TO_GUEST)) {
			memcpy((uint8_t *)out + nout, rep->data + at, segs[i].len);
			nout += segs[i].len;
		}
		at += segs[i].len;
		status[i] = rep->status[i];
	}
	free(rep);
	return r;
}

int hvctl_gnt_map_pages(struct hvctl *h, uint32_t domid, const uint32_t *refs, unsigned count,
			bool readonly, struct hvctl_gnt_pages *p)
{
	struct hvctl_gnt_mapping maps[HVCTL_GNT_BATCH];
	struct hvctl_memory layout;
	uint32_t handles[HVCTL_GNT_BATCH];
	unsigned n = 0;
	int fd, r;

	memset(p, 0, sizeof(*p));
	if ((r = hvctl_get_memfd(h, domid, &layout, &fd)))
		return r;
	p->size = layout.size;
	p->base = mmap(NULL, p->size, PROT_READ | (readonly ? 0 : PROT_WRITE), MAP_SHARED, fd, 0);
	close(fd);
	if (p->base == MAP_FAILED) {
		p->base = NULL;
		return -errno;
	}
	if ((r = hvctl_gnt_map(h, domid, refs, count, readonly, maps))) {
		munmap(p->base, p->size);
		p->base = NULL;
		return r;
	}
	p->domid = domid;
	p->count = count;
	for (unsigned i = 0; i < count; i++) {
		p->status[i] = maps[i].status;
		p->handle[i] = maps[i].handle;
		if (maps[i].status == 0 && maps[i].offset + 4096 <= p->size) {
			p->page[i] = (uint8_t *)p->base + maps[i].offset;
		} else if (maps[i].status == 0) {
			handles[n++] = maps[i].handle; /* cannot be reached: give it back */
			p->status[i] = -1;
		}
	}
	if (n)
		hvctl_gnt_unmap(h, handles, n, NULL);
	return 0;
}

int hvctl_gnt_unmap_pages(struct hvctl *h, struct hvctl_gnt_pages *p)
{
	uint32_t handles[HVCTL_GNT_BATCH];
	unsigned n = 0;
	int r = 0;

	for (unsigned i = 0; i < p->count; i++)
		if (p->page[i])
			handles[n++] = p->handle[i];
	if (n)
		r = hvctl_gnt_unmap(h, handles, n, NULL);
	if (p->base)
		munmap(p->base, p->size);
	memset(p, 0, sizeof(*p));
	return r;
}
