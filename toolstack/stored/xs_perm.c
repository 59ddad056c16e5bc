/* xs_perm.c: permission lists ("b0\0r5\0"): parse, format, access checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs.h"

static int perm_letter(char ch)
{
	switch (ch) {
	case 'n': return XS_PERM_NONE;
	case 'r': return XS_PERM_READ;
	case 'w': return XS_PERM_WRITE;
	case 'b': return XS_PERM_BOTH;
	default: return -1;
	}
}

bool xs_parse_domid(const char *s, unsigned *out)
{
	unsigned long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > 0xffff)
			return false;
	}
	*out = (unsigned)v;
	return true;
}

/* buf holds len bytes of NUL-terminated entries (the last NUL included). */
enum xs_err xs_perms_parse(const char *buf, size_t len, struct xs_perms *out)
{
	uint32_t n = 0, i = 0;
	size_t off;

	if (len == 0 || buf[len - 1] != '\0')
		return XS_EINVAL;
	for (off = 0; off < len; off++)
		if (buf[off] == '\0')
			n++;
	out->p = calloc(n, sizeof(*out->p));
	out->n = n;
	if (!out->p)
		return XS_ENOMEM;
	for (off = 0; off < len; off += strlen(buf + off) + 1, i++) {
		int pl = perm_letter(buf[off]);
		unsigned id;
		if (pl < 0 || !xs_parse_domid(buf + off + 1, &id)) {
			xs_perms_free(out);
			return XS_EINVAL;
		}
		out->p[i].perm = (uint8_t)pl;
		out->p[i].domid = id;
	}
	return XS_OK;
}

size_t xs_perms_format(const struct xs_perms *ps, char *buf, size_t bufsz)
{
	static const char letters[] = "nrwb";
	size_t off = 0;

	for (uint32_t i = 0; i < ps->n; i++) {
		char one[16];
		int k = snprintf(one, sizeof(one), "%c%u", letters[ps->p[i].perm & 3],
				 (unsigned)ps->p[i].domid);
		/* Only whole entries are copied; the return value tells the caller
		 * how much room the full list needs. */
		if (off + (size_t)k + 1 <= bufsz)
			memcpy(buf + off, one, (size_t)k + 1);
		off += (size_t)k + 1; /* keep the NUL as the separator */
	}
	return off;
}

int xs_perms_copy(struct xs_perms *dst, const struct xs_perms *src)
{
	dst->p = malloc(src->n * sizeof(*src->p));
	if (!dst->p)
		return -1;
	memcpy(dst->p, src->p, src->n * sizeof(*src->p));
	dst->n = src->n;
	return 0;
}

void xs_perms_free(struct xs_perms *ps)
{
	free(ps->p);
	ps->p = NULL;
	ps->n = 0;
}

/* Xen's rule: privileged or owner: everything; a domain named in a later
 * entry gets that entry; everyone else gets the owner entry's letter. A
 * domain with a target (device model) also acts as its target. */
unsigned xs_perms_for(const struct xs_perms *ps, unsigned domid, unsigned target, bool priv)
{
	unsigned acc;

	if (priv || ps->n == 0)
		return XS_PERM_BOTH;
	if (ps->p[0].domid == domid || ps->p[0].domid == target)
		return XS_PERM_BOTH;
	acc = ps->p[0].perm;
	for (uint32_t i = 1; i < ps->n; i++)
		if (ps->p[i].domid == domid || ps->p[i].domid == target)
			acc = ps->p[i].perm;
	return acc;
}
