/* gmem.c: checked copies between hospes-hv and guest-virtual memory; every
 * hypercall argument goes through here. */
#include <errno.h>
#include <string.h>

#include "hv.h"

#define EFER_LMA (1ull << 10)

/* Calls fn on each piece of [gva, gva + len) that lies within one guest
 * page, with its host pointer. Stops at the first inaccessible page. */
static int gmem_each_page(struct hv_vcpu *v, uint64_t gva, size_t len, int access,
			  int (*fn)(void *host, size_t off, size_t n, void *ctx), void *ctx)
{
	size_t done = 0;
	int ret = 0;

	if (len && gva + (len - 1) < gva)
		return -EFAULT; /* wraps around the address space */
	/* Shared: frames the guest gives back are unmapped only under the
	 * exclusive lock, so the pages found below stay mapped while used. */
	pthread_rwlock_rdlock(&v->dom->mem.maplock);
	while (done < len) {
		uint64_t addr = gva + done, gpa;
		size_t n = HV_PAGE_SIZE - (addr & (HV_PAGE_SIZE - 1));
		void *host;
		int r;

		if (n > len - done)
			n = len - done;
		if (gmem_translate(v, addr, access, &gpa) ||
		    !(host = gmem_gpa_ptr(&v->dom->mem, gpa, n))) {
			ret = -EFAULT;
			break;
		}
		r = fn(host, done, n, ctx);
		if (r) {
			ret = r;
			break;
		}
		done += n;
	}
	pthread_rwlock_unlock(&v->dom->mem.maplock);
	return ret;
}

static int copy_out_of(void *host, size_t off, size_t n, void *dst)
{
	memcpy((uint8_t *)dst + off, host, n);
	return 0;
}

static int copy_into(void *host, size_t off, size_t n, void *src)
{
	memcpy(host, (const uint8_t *)src + off, n);
	return 0;
}

int gmem_copy_from_guest(struct hv_vcpu *v, void *dst, uint64_t gva, size_t len)
{
	return gmem_each_page(v, gva, len, GMEM_READ, copy_out_of, dst);
}

int gmem_copy_to_guest(struct hv_vcpu *v, uint64_t gva, const void *src, size_t len)
{
	return gmem_each_page(v, gva, len, GMEM_WRITE, copy_into, (void *)src);
}

struct strcopy {
	char *dst;
	size_t len; /* set once the NUL was found */
	bool found;
};

static int copy_str(void *host, size_t off, size_t n, void *ctx)
{
	struct strcopy *s = ctx;
	const char *nul = memchr(host, '\0', n);
	size_t take = nul ? (size_t)(nul - (const char *)host) + 1 : n;

	memcpy(s->dst + off, host, take);
	if (nul) {
		s->found = true;
		s->len = off + take - 1;
		return 1; /* stop: do not touch pages past the string */
	}
	return 0;
}

long gmem_strncpy_from_guest(struct hv_vcpu *v, char *dst, uint64_t gva, size_t size)
{
	struct strcopy s = { .dst = dst };
	int r;

	if (size == 0)
		return -ENAMETOOLONG;
	r = gmem_each_page(v, gva, size, GMEM_READ, copy_str, &s);
	if (s.found)
		return (long)s.len;
	dst[size - 1] = '\0';
	return r < 0 ? r : -ENAMETOOLONG;
}

size_t gmem_fetch_code(struct hv_vcpu *v, uint8_t *buf, size_t len)
{
	const struct kvm_sregs *s = v->sregs;
	uint64_t lin = v->regs->rip;
	size_t got = 0;

	/* Outside long mode the CS base counts and addresses are 32-bit. */
	if (!(s->efer & EFER_LMA))
		lin = (lin + s->cs.base) & 0xffffffffull;
	while (got < len) {
		size_t n = HV_PAGE_SIZE - ((lin + got) & (HV_PAGE_SIZE - 1));

		if (n > len - got)
			n = len - got;
		if (gmem_copy_from_guest(v, buf + got, lin + got, n))
			break;
		got += n;
	}
	return got;
}
