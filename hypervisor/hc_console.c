/* hc_console.c: console_io (hypercall 18), the hypervisor console.
 * Unlike a release Xen we accept it from unprivileged domains: a domU's
 * early output is this project's main debugging aid. */
#include <pvabi/console_io.h>
#include <pvabi/errno.h>

#include "hc.h"

#define CONSOLE_CHUNK 512

static int64_t console_write(struct hv_vcpu *v, uint64_t buf, uint32_t count)
{
	char chunk[CONSOLE_CHUNK];

	/* Chunk by chunk, like Xen: bytes before a fault are already out. */
	while (count > 0) {
		uint32_t n = count < CONSOLE_CHUNK ? count : CONSOLE_CHUNK;

		if (gmem_copy_from_guest(v, chunk, buf, n))
			return -XEN_EFAULT;
		hv_console_write(&v->dom->console, chunk, n);
		hv_bootacct_console(v);
		buf += n;
		count -= n;
	}
	return 0;
}

int64_t hc_console_io(struct hv_vcpu *v, const uint64_t arg[PVABI_HYPERCALL_MAX_ARGS])
{
	switch (arg[0]) {
	case CONSOLEIO_write:
		return console_write(v, arg[2], (uint32_t)arg[1]);
	case CONSOLEIO_read:
		return 0; /* no console input yet */
	default:
		return -XEN_ENOSYS;
	}
}
