/* cmdline.c: nido's options come from pvabi's command-line helpers; this
 * keeps nido's own name for them so the rest of nido reads the same. */
#include "nido.h"

int nido_cmdline_get(const char *cmdline, const char *key, char *buf, size_t size)
{
	return pvabi_cmdline_get(cmdline, key, buf, size);
}
