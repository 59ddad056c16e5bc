/* shutdown.c: leaving the domain: shutdown and panic. */
#include "internal.h"

static PVABI_NORETURN void halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

void pvabi_shutdown(unsigned int reason)
{
	struct sched_shutdown arg = { .reason = reason };

	if (pvabi_hypercall_ready)
		pvabi_sched_op(SCHEDOP_shutdown, &arg);
	halt_forever();
}

void pvabi_panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	memcpy(buf, "panic: ", 7);
	va_start(ap, fmt);
	n = pvabi_vsnprintf(buf + 7, sizeof(buf) - 8, fmt, ap);
	va_end(ap);
	n = n < 0 ? 7 : n + 7 > (int)sizeof(buf) - 2 ? (int)sizeof(buf) - 2 : n + 7;
	if (buf[n - 1] != '\n')
		buf[n++] = '\n';
	pvabi_console_write(buf, (size_t)n);
	pvabi_shutdown(SHUTDOWN_crash);
}
