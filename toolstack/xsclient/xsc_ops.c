/* xsc_ops.c: node operations, transactions and domain requests, each a
 * request built from strings and a reply checked for its exact shape. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xsc_internal.h"

/* One path request whose reply must be "OK\0". */
static int path_ok(struct xsc *h, uint32_t type, uint32_t tx, const char *path)
{
	const char *strs[] = { path, NULL };
	struct xsc_reply r;
	int err = xsc_request_strs(h, type, tx, strs, &r);

	return err ? err : xsc_expect_ok(h, &r);
}

int xsc_read(struct xsc *h, uint32_t tx, const char *path, char **val, size_t *len)
{
	const char *strs[] = { path, NULL };
	struct xsc_reply r;
	int err = xsc_request_strs(h, XS_READ, tx, strs, &r);

	*val = NULL;
	if (err)
		return err;
	/* the value is raw bytes without a NUL; we add one for callers */
	*val = malloc(r.hdr.len + 1);
	if (!*val)
		return -ENOMEM;
	memcpy(*val, r.payload, r.hdr.len + 1);
	if (len)
		*len = r.hdr.len;
	return 0;
}

int xsc_write(struct xsc *h, uint32_t tx, const char *path, const void *val, size_t len)
{
	struct iovec iov[2] = { { (void *)path, strlen(path) + 1 }, { (void *)val, len } };
	struct xsc_reply r;
	int err = xsc_request(h, XS_WRITE, tx, iov, 2, &r);

	return err ? err : xsc_expect_ok(h, &r);
}

int xsc_write_str(struct xsc *h, uint32_t tx, const char *path, const char *val)
{
	return xsc_write(h, tx, path, val, strlen(val));
}

int xsc_mkdir(struct xsc *h, uint32_t tx, const char *path)
{
	return path_ok(h, XS_MKDIR, tx, path);
}

int xsc_rm(struct xsc *h, uint32_t tx, const char *path)
{
	return path_ok(h, XS_RM, tx, path);
}

/* Splits "a\0b\0" into a NULL-terminated array in one block. An empty
 * payload is an empty list; anything not ending in NUL is malformed. */
static int split_strings(struct xsc *h, const struct xsc_reply *r, char ***out, unsigned *n)
{
	unsigned count = 0;
	char **v, *s;

	*out = NULL;
	if (r->hdr.len && r->payload[r->hdr.len - 1] != '\0')
		return xsc_fail(h, -EBADMSG);
	for (uint32_t i = 0; i < r->hdr.len; i++)
		count += r->payload[i] == '\0';
	v = malloc((count + 1) * sizeof(*v) + r->hdr.len);
	if (!v)
		return -ENOMEM;
	s = (char *)(v + count + 1);
	memcpy(s, r->payload, r->hdr.len);
	for (unsigned i = 0; i < count; i++) {
		v[i] = s;
		s += strlen(s) + 1;
	}
	v[count] = NULL;
	*out = v;
	if (n)
		*n = count;
	return 0;
}

int xsc_directory(struct xsc *h, uint32_t tx, const char *path, char ***names, unsigned *n)
{
	const char *strs[] = { path, NULL };
	struct xsc_reply r;
	int err = xsc_request_strs(h, XS_DIRECTORY, tx, strs, &r);

	*names = NULL;
	if (err)
		return err;
	err = split_strings(h, &r, names, n);
	for (unsigned i = 0; !err && (*names)[i]; i++)
		if (!(*names)[i][0]) { /* a child with an empty name */
			free(*names);
			*names = NULL;
			err = xsc_fail(h, -EBADMSG);
		}
	return err;
}

/* Parses a reply that must be exactly one decimal u32 and a NUL. */
static int reply_u32(struct xsc *h, const struct xsc_reply *r, uint32_t *v)
{
	char *end;
	unsigned long long x;

	if (r->hdr.len < 2 || r->hdr.len > 11 || strlen(r->payload) + 1 != r->hdr.len ||
	    r->payload[0] < '0' || r->payload[0] > '9')
		return xsc_fail(h, -EBADMSG);
	errno = 0;
	x = strtoull(r->payload, &end, 10);
	if (errno || *end || x > UINT32_MAX)
		return xsc_fail(h, -EBADMSG);
	*v = (uint32_t)x;
	return 0;
}

int xsc_transaction_start(struct xsc *h, uint32_t *tx)
{
	const char *strs[] = { "", NULL };
	struct xsc_reply r;
	int err = xsc_request_strs(h, XS_TRANSACTION_START, 0, strs, &r);

	*tx = 0;
	if (!err)
		err = reply_u32(h, &r, tx);
	if (!err && *tx == 0) /* 0 means "no transaction": never a valid id */
		err = xsc_fail(h, -EBADMSG);
	return err;
}

int xsc_transaction_end(struct xsc *h, uint32_t tx, bool commit)
{
	const char *strs[] = { commit ? "T" : "F", NULL };
	struct xsc_reply r;
	int err;

	if (tx == 0)
		return -EINVAL;
	err = xsc_request_strs(h, XS_TRANSACTION_END, tx, strs, &r);
	return err ? err : xsc_expect_ok(h, &r);
}

/* A request whose only argument is a domid. */
static int domid_req(struct xsc *h, uint32_t type, uint32_t domid, struct xsc_reply *r)
{
	char d[16];
	const char *strs[] = { d, NULL };

	snprintf(d, sizeof(d), "%" PRIu32, domid);
	return xsc_request_strs(h, type, 0, strs, r);
}

int xsc_get_domain_path(struct xsc *h, uint32_t domid, char **path)
{
	struct xsc_reply r;
	int err = domid_req(h, XS_GET_DOMAIN_PATH, domid, &r);

	*path = NULL;
	if (err)
		return err;
	if (r.hdr.len < 2 || strlen(r.payload) + 1 != r.hdr.len || r.payload[0] != '/')
		return xsc_fail(h, -EBADMSG);
	*path = strdup(r.payload);
	return *path ? 0 : -ENOMEM;
}

int xsc_introduce(struct xsc *h, uint32_t domid, uint64_t gfn, uint32_t port)
{
	char d[16], g[24], p[16];
	const char *strs[] = { d, g, p, NULL };
	struct xsc_reply r;
	int err;

	snprintf(d, sizeof(d), "%" PRIu32, domid);
	snprintf(g, sizeof(g), "%" PRIu64, gfn);
	snprintf(p, sizeof(p), "%" PRIu32, port);
	err = xsc_request_strs(h, XS_INTRODUCE, 0, strs, &r);
	return err ? err : xsc_expect_ok(h, &r);
}

int xsc_release(struct xsc *h, uint32_t domid)
{
	struct xsc_reply r;
	int err = domid_req(h, XS_RELEASE, domid, &r);

	return err ? err : xsc_expect_ok(h, &r);
}

int xsc_is_introduced(struct xsc *h, uint32_t domid, bool *yes)
{
	struct xsc_reply r;
	int err = domid_req(h, XS_IS_DOMAIN_INTRODUCED, domid, &r);

	if (err)
		return err;
	if (r.hdr.len != 2 || (r.payload[0] != 'T' && r.payload[0] != 'F') || r.payload[1])
		return xsc_fail(h, -EBADMSG);
	*yes = r.payload[0] == 'T';
	return 0;
}
