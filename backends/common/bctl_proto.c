/* bctl_proto.c: the backend control protocol's lines (backend_ctl.h):
 * request parsing, building reply lines with escaped values, and reading
 * fields back (the client side). Pure: no I/O, no allocation. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bctl.h"

static const char hex[] = "0123456789ABCDEF";

int bctl_parse_request(const char *line, size_t len)
{
	if (len == sizeof(BCTL_CMD_STATUS) - 1 && !memcmp(line, BCTL_CMD_STATUS, len))
		return BCTL_STATUS;
	if (len == sizeof(BCTL_CMD_DEVICES) - 1 && !memcmp(line, BCTL_CMD_DEVICES, len))
		return BCTL_DEVICES;
	return -EINVAL;
}

/* Room for n more bytes plus the final '\n'. */
static bool room(struct bctl_line *l, size_t n)
{
	if (l->overflow || l->len + n + 1 > sizeof(l->buf)) {
		l->overflow = true;
		return false;
	}
	return true;
}

static void add(struct bctl_line *l, const char *s, size_t n)
{
	if (room(l, n)) {
		memcpy(l->buf + l->len, s, n);
		l->len += n;
	}
}

void bctl_line_start(struct bctl_line *l, const char *word)
{
	l->len = 0;
	l->overflow = false;
	add(l, word, strlen(word));
}

static bool plain(unsigned char c)
{
	return c >= '!' && c <= '~' && c != '%' && c != '=';
}

void bctl_line_put(struct bctl_line *l, const char *key, const char *value)
{
	add(l, " ", 1);
	add(l, key, strlen(key));
	add(l, "=", 1);
	if (!value || !*value) {
		add(l, "-", 1);
		return;
	}
	/* "-" alone means empty: a real "-" is escaped */
	if (!strcmp(value, "-")) {
		add(l, "%2D", 3);
		return;
	}
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};

		if (plain(*p))
			add(l, (const char *)p, 1);
		else
			add(l, esc, 3);
	}
}

void bctl_line_putu(struct bctl_line *l, const char *key, uint64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
	bctl_line_put(l, key, num);
}

int bctl_line_end(struct bctl_line *l)
{
	if (l->overflow)
		return -E2BIG;
	l->buf[l->len++] = '\n';
	return 0;
}

static int unhex(char c)
{
	const char *p = c ? strchr(hex, c) : NULL;

	return p ? (int)(p - hex) : -1;
}

bool bctl_line_is(const char *line, const char *word)
{
	size_t n = strlen(word);

	return !strncmp(line, word, n) && (line[n] == ' ' || line[n] == '\n' || !line[n]);
}

int bctl_line_get(const char *line, const char *key, char *out, size_t outlen)
{
	size_t klen = strlen(key), n = 0;
	const char *p = line, *v = NULL;

	if (!outlen)
		return -E2BIG;
	/* fields after the first word; a key starts after a space */
	while ((p = strchr(p, ' ')) != NULL) {
		p++;
		if (!strncmp(p, key, klen) && p[klen] == '=') {
			v = p + klen + 1;
			break;
		}
	}
	if (!v)
		return -ENOENT;
	if (v[0] == '-' && (v[1] == ' ' || v[1] == '\n' || !v[1])) {
		out[0] = 0;
		return 0;
	}
	for (; *v && *v != ' ' && *v != '\n'; v++) {
		int c = (unsigned char)*v;

		if (c == '%') {
			int hi = unhex(v[1]), lo = hi < 0 ? -1 : unhex(v[2]);

			if (lo < 0)
				return -EINVAL;
			c = hi << 4 | lo;
			v += 2;
		}
		if (n + 1 >= outlen)
			return -E2BIG;
		out[n++] = (char)c;
	}
	out[n] = 0;
	return 0;
}

int bctl_line_getu(const char *line, const char *key, uint64_t *v)
{
	char num[24];
	uint64_t x = 0;
	int r = bctl_line_get(line, key, num, sizeof(num));

	if (r)
		return r == -E2BIG ? -EINVAL : r;
	if (!num[0])
		return -EINVAL;
	for (const char *p = num; *p; p++) {
		if (*p < '0' || *p > '9' || x > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -EINVAL;
		x = x * 10 + (uint64_t)(*p - '0');
	}
	*v = x;
	return 0;
}
