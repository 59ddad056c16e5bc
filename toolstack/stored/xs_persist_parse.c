/* xs_persist_parse.c: reading a saved tree (format: xs_persist.c). Every
 * line is checked as if it came from a peer: a valid path whose parent
 * came before it, a valid permission list, hex of at most 4096 bytes. */
#include <stdlib.h>
#include <string.h>

#include "xs_persist.h"

#define MAGIC "hospes-stored tree 1\n"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* One "<path> <perms> <value>" line (NUL-terminated, no newline). */
static int load_line(struct xs_view *v, char *line, bool first)
{
	static char val[XENSTORE_PAYLOAD_MAX], canon[XS_PATH_BUF];
	static char permbuf[XS_PERSIST_PERMS_MAX];
	char *perms = strchr(line, ' '), *hex;
	struct xs_perms ps = { NULL, 0 };
	struct xs_node *n;
	size_t vlen = 0, plen;
	unsigned created;

	if (!perms || !(hex = strchr(perms + 1, ' ')) || strchr(hex + 1, ' '))
		return -1;
	*perms++ = '\0';
	*hex++ = '\0';
	plen = strlen(perms);
	if (plen == 0 || plen >= sizeof(permbuf))
		return -1;
	memcpy(permbuf, perms, plen + 1);
	for (size_t i = 0; i < plen; i++)
		if (permbuf[i] == ',')
			permbuf[i] = '\0';
	if (strcmp(hex, "-")) {
		size_t hl = strlen(hex);
		if (hl == 0 || hl % 2 || hl / 2 > sizeof(val))
			return -1;
		for (size_t i = 0; i < hl; i += 2) {
			int hi = hexval(hex[i]), lo = hexval(hex[i + 1]);
			if (hi < 0 || lo < 0)
				return -1;
			val[vlen++] = (char)(hi << 4 | lo);
		}
	}
	if (first != !strcmp(line, "/"))
		return -1; /* the root first, and only once */
	if (!first && (line[0] != '/' || xs_path_canon(0, line, canon, sizeof(canon)) != XS_OK ||
		       strcmp(canon, line) || xs_tree_lookup(v, line)))
		return -1;
	if (xs_perms_parse(permbuf, plen + 1, &ps) != XS_OK || ps.n == 0)
		return -1;
	if (first) {
		n = *v->rootp;
	} else if (xs_tree_create(v, line, &ps, 0, true, &n, &created) != XS_OK || created != 1) {
		xs_perms_free(&ps);
		return -1; /* also: the parent was not listed before it */
	}
	xs_perms_free(&n->perms);
	n->perms = ps;
	return xs_tree_set_value(n, val, vlen) == XS_OK ? 0 : -1;
}

int xs_persist_parse(const char *buf, size_t len)
{
	struct xs_view v = xs_view_live();
	struct xs_node *root = *v.rootp;
	const char *p = buf, *end = buf + len;
	static char line[2 * XENSTORE_PAYLOAD_MAX + XS_PATH_BUF + XS_PERSIST_PERMS_MAX];
	int count = 0;

	if (!root || len < sizeof(MAGIC) - 1 || memcmp(buf, MAGIC, sizeof(MAGIC) - 1) ||
	    memchr(buf, '\0', len))
		return -1;
	p += sizeof(MAGIC) - 1;
	while (root->nkids)
		xs_tree_remove(&v, root->kids[0]);
	for (;;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll;

		if (!nl)
			return -1; /* no end line: not a complete file */
		ll = (size_t)(nl - p);
		if (ll >= sizeof(line))
			return -1;
		memcpy(line, p, ll);
		line[ll] = '\0';
		p = nl + 1;
		if (!strcmp(line, "end"))
			return p == end && count > 0 ? count : -1;
		if (load_line(&v, line, count == 0) < 0)
			return -1;
		count++;
	}
}
