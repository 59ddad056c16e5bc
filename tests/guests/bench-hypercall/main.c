/* bench-hypercall: time n null hypercalls (xen_version(XENVER_version))
 * through the hypercall page with rdtsc and print
 *   hypercall_null_ns_x1000 <ns per call * 1000> n <n> tsc_khz <kHz>
 * n comes from "n=<count>" on the command line (default 20000); the TSC
 * frequency from CPUID base+3 subleaf 0 ECX (0 if not reported). */
#include <pvabi.h>

#define DEFAULT_N 20000ul

/* n calls of stub 17 with RDI = RSI = 0; the loop is as short as it can be
 * because every instruction of it may be emulated. */
static void null_hypercalls(unsigned long n)
{
	__asm__ volatile("1:\n\t"
			 "xorl %%edi, %%edi\n\t"
			 "xorl %%esi, %%esi\n\t"
			 "call pvabi_hypercall_page + %c[off]\n\t"
			 "decq %%rcx\n\t"
			 "jnz 1b"
			 : "+c"(n)
			 : [off] "i"(HYPERCALL_xen_version * PVABI_HYPERCALL_STUB_SIZE)
			 : "rax", "rdi", "rsi", "rdx", "r10", "r8", "memory");
}

void pvabi_kernel_main(const struct pvabi_boot *boot)
{
	long arg = pvabi_cmdline_num(boot->cmdline, "n", 0);
	unsigned long n = arg > 0 ? (unsigned long)arg : DEFAULT_N;
	uint32_t khz = pvabi_cpuid(boot->cpuid_base + XEN_CPUID_LEAF_TIME, 0).ecx;
	uint64_t t0, cycles, ns_x1000 = 0;

	t0 = pvabi_rdtsc();
	null_hypercalls(n);
	cycles = pvabi_rdtsc() - t0;
	/* cycles * 1e6 / kHz = ns; fits 64 bits for runs under ~2 hours. */
	if (khz)
		ns_x1000 = cycles * 1000000ull / khz * 1000ull / n;
	pvabi_printf("hypercall_null_ns_x1000 %lu n %lu tsc_khz %u\n", ns_x1000, n, khz);
}
