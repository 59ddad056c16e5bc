/* xs_path.c: path rules: allowed characters, relative paths, limits. */
#include <stdio.h>
#include <string.h>

#include "xs.h"

static bool path_char_ok(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '-' || ch == '/' || ch == '_' || ch == '@';
}

bool xs_path_is_special(const char *path)
{
	return path[0] == '@';
}

/* Canonical form: absolute, no "//", no trailing "/" except the root.
 * Relative paths are below the domain's home /local/domain/<id>. Special
 * "@name" paths are returned unchanged (only watches and perms use them). */
enum xs_err xs_path_canon(unsigned domid, const char *in, char *out, size_t outsz)
{
	size_t len = strlen(in), i, home;
	int n;

	if (len == 0)
		return XS_EINVAL;
	for (i = 0; i < len; i++)
		if (!path_char_ok(in[i]))
			return XS_EINVAL;
	if (in[0] == '@') {
		if (len > XENSTORE_REL_PATH_MAX || strchr(in, '/') || len + 1 > outsz)
			return XS_EINVAL;
		memcpy(out, in, len + 1);
		return XS_OK;
	}
	if (strstr(in, "//") || (len > 1 && in[len - 1] == '/'))
		return XS_EINVAL;
	if (in[0] == '/') {
		if (len > XENSTORE_ABS_PATH_MAX || len + 1 > outsz)
			return XS_EINVAL;
		memcpy(out, in, len + 1);
	} else {
		if (len > XENSTORE_REL_PATH_MAX)
			return XS_EINVAL;
		n = snprintf(out, outsz, "/local/domain/%u/%s", domid, in);
		if (n < 0 || (size_t)n >= outsz)
			return XS_EINVAL;
	}
	/* As Xen 4.17: the part below any domain's home is limited to the
	 * relative maximum, even for absolute paths. */
	if (!strncmp(out, "/local/domain/", 14)) {
		const char *p = out + 14;
		while (*p >= '0' && *p <= '9')
			p++;
		if (*p == '/') {
			home = (size_t)(p + 1 - out);
			if (strlen(out) - home > XENSTORE_REL_PATH_MAX)
				return XS_EINVAL;
		}
	}
	return XS_OK;
}

bool xs_path_is_below(const char *path, const char *base)
{
	size_t bl = strlen(base);

	if (!strcmp(base, "/"))
		return path[0] == '/';
	if (strncmp(path, base, bl))
		return false;
	return path[bl] == '\0' || path[bl] == '/';
}

/* Components of path below base (path must be below base). */
unsigned xs_path_depth_below(const char *path, const char *base)
{
	const char *p = path + (strcmp(base, "/") ? strlen(base) : 0);
	unsigned d = 0;

	for (; *p; p++)
		if (*p == '/' && p[1])
			d++;
	return d;
}

const char *xs_path_relative(unsigned domid, const char *abs)
{
	char home[40];
	size_t hl;

	hl = (size_t)snprintf(home, sizeof(home), "/local/domain/%u/", domid);
	if (strncmp(abs, home, hl) || !abs[hl])
		return NULL;
	return abs + hl;
}
