/* console.c: the hypervisor console (console_io) and the debug port. */
#include "internal.h"

void pvabi_debugcon_write(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		pvabi_outb(PVABI_DEBUGCON_PORT, (uint8_t)buf[i]);
}

int pvabi_console_write(const char *buf, size_t len)
{
	long rc;

	if (!pvabi_hypercall_ready) {
		pvabi_debugcon_write(buf, len);
		return 0;
	}
	/* Console ring (console_ring.c) once attached; console_io otherwise. */
	if (pvabi_console_ring_attached() && pvabi_console_ring_write(buf, len) == 0)
		return 0;
	while (len > 0) {
		unsigned int n = len > 0x7fffffffu ? 0x7fffffffu : (unsigned int)len;
		rc = pvabi_console_io(CONSOLEIO_write, n, (void *)buf);
		if (rc == -XEN_ENOSYS) {
			pvabi_debugcon_write(buf, len);
			return 0;
		}
		if (rc < 0)
			return (int)rc;
		buf += n;
		len -= n;
	}
	return 0;
}
