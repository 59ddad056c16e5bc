/* test_boot.c: nido boots through pvabi on hospes-hv, prints its banner
 * (hypervisor version, memory map, command line, modules) and shuts down
 * with the exit status its shutdown reason maps to. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

TestSuite(boot, .init = harness_require_kvm, .timeout = 120);

static void assert_clean_shutdown(struct hv_run *r, int code, const char *reason)
{
	char line[64];
	cr_assert(!r->timed_out, "hospes-hv did not finish; stderr:\n%s", r->err);
	cr_assert_eq(r->status, code, "exit status %d, want %d\nstdout:\n%s\nstderr:\n%s",
		     r->status, code, r->out, r->err);
	snprintf(line, sizeof(line), "nido: shutting down (%s)", reason);
	cr_assert(harness_has_line(r->out, line), "missing '%s' in:\n%s", line, r->out);
	snprintf(line, sizeof(line), "domain shut down: %s", reason);
	cr_assert(strstr(r->err, line), "missing '%s' in log:\n%s", line, r->err);
}

Test(boot, nido_banner_and_poweroff)
{
	struct hv_run r = harness_boot("nido", "64M", "hello world");
	assert_clean_shutdown(&r, 0, "poweroff");
	cr_assert(harness_has_line(r.out, "nido 0.1 on Xen 4.17.0-hospes"), "banner:\n%s", r.out);
	cr_assert(harness_has_line(r.out, "memory map: 1 entries"), "%s", r.out);
	cr_assert(harness_has_line(r.out, "  0x0000000000000000-0x0000000004000000 RAM"), "%s", r.out);
	cr_assert(harness_has_line(r.out, "command line: hello world"), "%s", r.out);
	cr_assert(harness_has_line(r.out, "modules: 0"), "%s", r.out);
	/* features: writable_page_tables, auto_translated_physmap,
	 * hvm_callback_vector, hvm_safe_pvclock, not_direct_mapped */
	cr_assert(harness_has_line(r.out, "features: 0x10305"), "%s", r.out);
	harness_free(&r);
}

Test(boot, memory_above_4g_is_a_second_range)
{
	struct hv_run r = harness_boot("nido", "5G", NULL);
	assert_clean_shutdown(&r, 0, "poweroff");
	cr_assert(harness_has_line(r.out, "memory map: 2 entries"), "%s", r.out);
	cr_assert(harness_has_line(r.out, "  0x0000000000000000-0x00000000c0000000 RAM"), "%s", r.out);
	cr_assert(harness_has_line(r.out, "  0x0000000100000000-0x0000000180000000 RAM"), "%s", r.out);
	cr_assert(harness_has_line(r.out, "command line: "), "%s", r.out);
	harness_free(&r);
}

Test(boot, module_is_loaded_and_listed)
{
	static char blob[10000];
	memset(blob, 0x5a, sizeof(blob));
	const char *mod = harness_temp_file("initrd.img", blob, sizeof(blob));
	const char *argv[] = { "run", harness_path("guests/nido.elf"), "--mem", "32M",
			       "--module", mod, NULL };
	struct hv_run r = harness_run(60, argv);
	assert_clean_shutdown(&r, 0, "poweroff");
	cr_assert(harness_has_line(r.out, "modules: 1"), "%s", r.out);
	const char *m = strstr(r.out, "  module 0: 0x");
	cr_assert(m, "%s", r.out);
	unsigned long long paddr = strtoull(m + strlen("  module 0: "), NULL, 16);
	cr_assert_eq(paddr % 4096, 0, "module not page aligned: %llx", paddr);
	cr_assert(paddr + sizeof(blob) <= 32ull << 20, "module beyond RAM: %llx", paddr);
	cr_assert(strstr(m, " 10000 bytes"), "%s", m);
	harness_free(&r);
}

struct reason_case {
	const char *cmdline, *reason;
	int code;
};

static const struct reason_case reasons[] = {
	{ "shutdown=reboot", "reboot", 3 },
	{ "shutdown=crash", "crash", 4 },
	{ "shutdown=suspend", "suspend", 5 },
};

Test(boot, shutdown_reasons_map_to_exit_codes)
{
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
		struct hv_run r = harness_boot("nido", "16M", reasons[i].cmdline);
		assert_clean_shutdown(&r, reasons[i].code, reasons[i].reason);
		harness_free(&r);
	}
}

/* Xen semantics: a code recorded with SCHEDOP_shutdown_code wins over the
 * reason later passed to SCHEDOP_shutdown. */
Test(boot, recorded_shutdown_code_takes_precedence)
{
	struct hv_run r = harness_boot("nido", "16M", "shutdown_code=reboot shutdown=poweroff");
	cr_assert_eq(r.status, 3, "status %d\n%s\n%s", r.status, r.out, r.err);
	cr_assert(strstr(r.err, "domain shut down: reboot"), "%s", r.err);
	harness_free(&r);
}
