/* console.c: console_io write/read with good, empty, read-only, boundary
 * and unmapped buffers. */
#include "chapters.h"

static long cwrite(unsigned int count, const void *buf)
{
	return pvabi_console_io(CONSOLEIO_write, count, (void *)buf);
}

void conf_console(void)
{
	static const char msg[] = "conformance: console ok\n";
	size_t tail = sizeof(CONF_RO_TAIL) - 1;
	char in[16];

	conf_check("console_io.write", cwrite(sizeof(msg) - 1, msg));
	conf_check("console_io.write_zero", cwrite(0, msg));
	conf_check("console_io.write_bad_pointer", cwrite(8, CONF_UNMAPPED));
	conf_check("console_io.write_from_readonly", cwrite(sizeof(CONF_RO_HEAD) - 1, CONF_WIN_RO));
	conf_check("console_io.write_ends_at_boundary",
		   cwrite((unsigned int)tail, CONF_WIN_ABSENT - tail));
	conf_check("console_io.write_crosses_unmapped", cwrite(16, CONF_WIN_ABSENT - 8));
	/* Starts at the tail message so a partial write stays short. */
	conf_check("console_io.write_huge_count", cwrite(0xffffffffu, CONF_WIN_ABSENT - tail));
	conf_check("console_io.read", pvabi_console_io(CONSOLEIO_read, sizeof(in), in));
	conf_check("console_io.unknown", pvabi_console_io(7, sizeof(in), in));
}
