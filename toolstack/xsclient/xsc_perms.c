/* xsc_perms.c: permission strings ("n0", "r5": access letter + decimal
 * domid) and GET_PERMS/SET_PERMS. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xsc_internal.h"

static bool valid_access(char c)
{
	return c == XSC_NONE || c == XSC_READ || c == XSC_WRITE || c == XSC_BOTH;
}

int xsc_perm_parse(const char *s, struct xsc_perm *p)
{
	uint64_t v = 0;
	const char *d = s + 1;

	if (!valid_access(s[0]) || !*d)
		return -EINVAL;
	for (; *d; d++) {
		if (*d < '0' || *d > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(*d - '0');
		if (v > UINT32_MAX)
			return -EINVAL;
	}
	p->access = s[0];
	p->domid = (uint32_t)v;
	return 0;
}

int xsc_perm_format(const struct xsc_perm *p, char *buf, size_t len)
{
	int n;

	if (!valid_access(p->access))
		return -EINVAL;
	n = snprintf(buf, len, "%c%" PRIu32, p->access, p->domid);
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

int xsc_get_perms(struct xsc *h, uint32_t tx, const char *path, struct xsc_perm **perms,
		  unsigned *n)
{
	const char *strs[] = { path, NULL };
	struct xsc_reply r;
	unsigned count = 0;
	const char *s;
	int err = xsc_request_strs(h, XS_GET_PERMS, tx, strs, &r);

	*perms = NULL;
	if (err)
		return err;
	/* at least the owner, every entry NUL-terminated */
	if (r.hdr.len < 3 || r.payload[r.hdr.len - 1] != '\0')
		return xsc_fail(h, -EBADMSG);
	for (uint32_t i = 0; i < r.hdr.len; i++)
		count += r.payload[i] == '\0';
	*perms = calloc(count, sizeof(**perms));
	if (!*perms)
		return -ENOMEM;
	s = r.payload;
	for (unsigned i = 0; i < count; i++, s += strlen(s) + 1) {
		if (xsc_perm_parse(s, &(*perms)[i])) {
			free(*perms);
			*perms = NULL;
			return xsc_fail(h, -EBADMSG);
		}
	}
	*n = count;
	return 0;
}

int xsc_set_perms(struct xsc *h, uint32_t tx, const char *path, const struct xsc_perm *perms,
		  unsigned n)
{
	char buf[XENSTORE_PAYLOAD_MAX];
	size_t off = strlen(path) + 1;
	struct iovec iov;
	struct xsc_reply r;
	int err;

	if (n == 0)
		return -EINVAL;
	if (off > sizeof(buf))
		return -E2BIG;
	memcpy(buf, path, off);
	for (unsigned i = 0; i < n; i++) {
		err = xsc_perm_format(&perms[i], buf + off, sizeof(buf) - off);
		if (err)
			return err == -ENOSPC ? -E2BIG : err;
		off += strlen(buf + off) + 1;
	}
	iov = (struct iovec){ buf, off };
	err = xsc_request(h, XS_SET_PERMS, tx, &iov, 1, &r);
	return err ? err : xsc_expect_ok(h, &r);
}
