/* hvctl_proto.c: the exact-size and field checks of control-socket
 * requests and replies. Pure: no I/O, used by daemon and client. */
#include <errno.h>
#include <string.h>

#include "hv.h"
#include "hvctl_proto.h"

int hvctl_check_request(const struct hvctl_hdr *h)
{
	int32_t want;

	if (h->length > HVCTL_MAX_PAYLOAD)
		return -EMSGSIZE;
	if ((want = hvctl_request_size(h->type)) < 0)
		return -ENOSYS;
	if (h->length != (uint32_t)want)
		return -EBADMSG;
	if (h->nr_fds)
		return -EBADF;
	return 0;
}

static bool terminated(const char *s, size_t size)
{
	return memchr(s, 0, size) != NULL;
}

int hvctl_check_create(const struct hvctl_create *c, const char **why)
{
	*why = NULL;
	if (c->pad || (c->flags & ~(HVCTL_CREATE_START | HVCTL_CREATE_XENSTORE |
				    HVCTL_CREATE_CONSOLE)))
		*why = "pad or unknown flags set";
	else if (c->vcpus < 1 || c->vcpus > HV_MAX_VCPUS)
		*why = "vcpus not in 1..8";
	else if (c->mem % HV_PAGE_SIZE || c->mem < HV_MEM_MIN || c->mem > HV_MEM_MAX)
		*why = "mem not a multiple of 4 KiB in 2M..512G";
	else if (c->maxmem && (c->maxmem % HV_PAGE_SIZE || c->maxmem < c->mem ||
			       c->maxmem > HV_MEM_MAX))
		*why = "maxmem below mem, above 512G or not a multiple of 4 KiB";
	else if (c->nr_modules > HVCTL_MAX_MODULES)
		*why = "too many modules";
	else if (!terminated(c->kernel, sizeof(c->kernel)) || c->kernel[0] != '/')
		*why = "kernel is not a NUL-terminated absolute path";
	else if (!terminated(c->cmdline, sizeof(c->cmdline)))
		*why = "cmdline is not NUL-terminated";
	for (unsigned i = 0; !*why && i < c->nr_modules; i++)
		if (!terminated(c->modules[i], sizeof(c->modules[i])) || c->modules[i][0] != '/')
			*why = "a module is not a NUL-terminated absolute path";
	return *why ? -EINVAL : 0;
}

int hvctl_check_reply(uint32_t req_type, uint32_t req_id, const struct hvctl_hdr *h,
		      const void *p, unsigned nfds)
{
	const struct hvctl_reply *r = p;
	int32_t want = hvctl_reply_size(req_type);

	if (want < 0 || h->type != (HVCTL_REPLY_BIT | req_type) || h->request_id != req_id ||
	    h->length > HVCTL_MAX_PAYLOAD || h->length < sizeof(*r) || h->nr_fds != nfds)
		return -EPROTO;
	if (r->status > 0 || r->status < -4095)
		return -EPROTO;
	if (r->status)
		return h->length == sizeof(*r) && nfds == 0 ? 0 : -EPROTO;
	if (nfds != hvctl_reply_fds(req_type))
		return -EPROTO;
	if (req_type == HVCTL_LIST) {
		const struct hvctl_list *l = p;

		if (h->length < sizeof(*l) || l->count > HVCTL_LIST_MAX ||
		    h->length != sizeof(*l) + 4u * l->count)
			return -EPROTO;
		return 0;
	}
	return h->length == (uint32_t)want ? 0 : -EPROTO;
}
