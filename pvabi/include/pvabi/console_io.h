/* console_io.h: console_io (hypercall 18), the hypervisor console.
 * Self-contained, used by both sides. SPEC.md §4. */
#ifndef PVABI_CONSOLE_IO_H
#define PVABI_CONSOLE_IO_H

/* RDI = command, RSI = count (32-bit), RDX = buffer (guest pointer). */
#define CONSOLEIO_write 0 /* count bytes from buffer; returns 0 */
#define CONSOLEIO_read 1  /* up to count bytes into buffer; returns the number read */

#endif
