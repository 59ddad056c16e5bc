/* cmdline.c: "key=value" options on the space-separated command line. */
#include "nido.h"

int nido_cmdline_get(const char *cmdline, const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key);
	const char *p = cmdline;

	while (*p) {
		while (*p == ' ')
			p++;
		if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
			size_t n = 0;

			p += klen + 1;
			while (p[n] && p[n] != ' ')
				n++;
			if (size) {
				if (n > size - 1)
					n = size - 1;
				memcpy(buf, p, n);
				buf[n] = '\0';
			}
			return 1;
		}
		while (*p && *p != ' ')
			p++;
	}
	return 0;
}
