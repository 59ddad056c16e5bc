/* cmdline.c: "key=value" and bare-word options on a space-separated
 * kernel command line, so kernels and test guests need no parser. */
#include <pvabi.h>

/* The option starting at or after p whose key is key, or NULL. */
static const char *find_key(const char *cmdline, const char *key, size_t klen)
{
	const char *p = cmdline;

	while (*p) {
		while (*p == ' ')
			p++;
		if (!strncmp(p, key, klen) && p[klen] == '=')
			return p + klen + 1;
		while (*p && *p != ' ')
			p++;
	}
	return NULL;
}

int pvabi_cmdline_get(const char *cmdline, const char *key, char *buf, size_t size)
{
	const char *v = find_key(cmdline, key, strlen(key));
	size_t n = 0;

	if (!v)
		return 0;
	while (v[n] && v[n] != ' ')
		n++;
	if (size) {
		if (n > size - 1)
			n = size - 1;
		memcpy(buf, v, n);
		buf[n] = '\0';
	}
	return 1;
}

long pvabi_cmdline_num(const char *cmdline, const char *key, long absent)
{
	const char *v = find_key(cmdline, key, strlen(key));
	long n = 0;

	if (!v || *v < '0' || *v > '9')
		return absent;
	for (; *v >= '0' && *v <= '9'; v++)
		n = n * 10 + (*v - '0');
	return n;
}

int pvabi_cmdline_has(const char *cmdline, const char *word)
{
	size_t n = strlen(word);
	const char *p = cmdline;

	while (*p) {
		while (*p == ' ')
			p++;
		if (!strncmp(p, word, n) && (p[n] == ' ' || p[n] == '\0'))
			return 1;
		while (*p && *p != ' ')
			p++;
	}
	return 0;
}
