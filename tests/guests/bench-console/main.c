/* bench-console: the guest side of the console_write benchmark. It writes
 * n lines of 64 bytes through pvabi_console_write, first with console_io
 * (before the ring is attached), then through the PV console ring (when
 * the domain has one), timing each phase with the PV clock, and reports
 * on console_io: `console_io_ns_x1000 <ns per line × 1000>` and
 * `console_ring_ns_x1000 <…>` (ring phase: every line reached the ring and
 * the ring drained before the clock stops, so a slow backend shows). */
#include <pvabi.h>

static uint64_t phase(unsigned long n)
{
	static const char line[] =
		"bench-console 0123456789abcdefghijklmnopqrstuvwxyz0123456789ab\n";
	uint64_t t0 = pvabi_time_ns();

	for (unsigned long i = 0; i < n; i++)
		pvabi_console_write(line, sizeof(line) - 1);
	return pvabi_time_ns() - t0;
}

static void report(const char *name, uint64_t ns, unsigned long n)
{
	char buf[96];
	int len = pvabi_snprintf(buf, sizeof(buf), "%s %lu\n", name,
				 (unsigned long)(ns * 1000 / (n ? n : 1)));

	pvabi_console_io(CONSOLEIO_write, (unsigned int)len, buf);
}

void pvabi_kernel_main(const struct pvabi_boot *boot)
{
	char v[24] = "2000";
	unsigned long n = 0;
	uint64_t io, ring;

	pvabi_cmdline_get(boot->cmdline, "n", v, sizeof(v));
	for (const char *p = v; *p >= '0' && *p <= '9'; p++)
		n = n * 10 + (unsigned long)(*p - '0');
	if (pvabi_events_init(0xf3))
		pvabi_panic("bench-console: no events");
	pvabi_time_attach(pvabi_shared_info());
	io = phase(n);
	report("console_io_ns_x1000", io, n);
	if (pvabi_console_ring_init()) {
		pvabi_printf("bench-console: no console ring\n");
		return;
	}
	ring = phase(n);
	report("console_ring_ns_x1000", ring, n);
}
