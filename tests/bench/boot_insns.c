/* boot_insns.c: counts the guest kernel-mode instructions a pvabi kernel
 * runs from its 64-bit entry to its first console output, without KVM:
 *
 *   boot_insns KERNEL.elf [--console-ring] [--functions]
 *
 * The image is loaded at its physical addresses in a child process and
 * single-stepped with ptrace from boot.S's 64-bit entry (the 32-bit stub
 * before it is ~20 straight-line instructions). The few privileged
 * instructions of that path are done by this tracer the way hospes-hv and
 * KVM would (segment loads, lgdt/lidt, CR moves, CPUID with the Xen
 * leaves, the hypercall MSR filling the page, rdmsr/wrmsr of the APIC),
 * and so are the hypercalls a kernel makes before it prints (xen_version,
 * hvm_op get_param and set_evtchn_upcall_vector, memory_op
 * add_to_physmap). It stops at the first console_io write, byte on port
 * 0xE9 or, with --console-ring (the domain has a console ring, as under
 * hospesd), the first EVTCHNOP_send. Every iteration of a `rep` string
 * instruction counts as one: where guest kernel mode is emulated (kvm_pvm,
 * ~0.5-1 us per instruction) each is emulated alone. Prints
 * "boot_insns N", "boot_exits N" (hypercalls and hypercall-MSR writes:
 * exits to hospes-hv) and, with --functions, the count per function. */
#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pvabi/console_io.h>
#include <pvabi/cpuid.h>
#include <pvabi/errno.h>
#include <pvabi/event_channel.h>
#include <pvabi/hvm_op.h>
#include <pvabi/hvm_start_info.h>
#include <pvabi/version.h>
#include <pvabi/xen.h>

#include "hv_util.h"
#include "hv_version.h"

#define MEM (32ull << 20)
#define LOAD_MIN 0x100000ull /* below: not mappable in a host process */
#define MAX_SYMS 8192u
#define CONS_PORT 3u         /* the console ring's port, --console-ring */

struct sym {
	uint64_t addr;
	const char *name;
	unsigned long count;
};

static struct sym syms[MAX_SYMS];
static unsigned nsyms;
static pid_t child = -1;
static int console_ring;

static int by_addr(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Code symbols (for the per-function counts), the 64-bit entry and the
 * word where boot.S keeps the start_info address. */
static int read_symbols(const uint8_t *f, size_t size, uint64_t *entry64, uint64_t *si_word)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)f;

	*entry64 = *si_word = 0;
	if (size < sizeof(*eh) || memcmp(f, ELFMAG, SELFMAG) || f[EI_CLASS] != ELFCLASS64 ||
	    eh->e_shoff > size || eh->e_shnum > (size - eh->e_shoff) / sizeof(Elf64_Shdr))
		return -1;
	const Elf64_Shdr *sh = (const Elf64_Shdr *)(f + eh->e_shoff);
	for (unsigned i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum ||
		    sh[i].sh_offset > size || sh[i].sh_size > size - sh[i].sh_offset)
			continue;
		const Elf64_Sym *s = (const Elf64_Sym *)(f + sh[i].sh_offset);
		const Elf64_Shdr *strs = &sh[sh[i].sh_link];
		for (size_t j = 0; j < sh[i].sh_size / sizeof(*s); j++) {
			if (s[j].st_name >= strs->sh_size || strs->sh_offset > size)
				continue;
			const char *n = (const char *)f + strs->sh_offset + s[j].st_name;
			unsigned t = ELF64_ST_TYPE(s[j].st_info);

			if (!strcmp(n, "entry64"))
				*entry64 = s[j].st_value;
			else if (!strcmp(n, "pvabi_start_info_gpa"))
				*si_word = s[j].st_value;
			/* objects too: the hypercall page's stubs run */
			if ((t == STT_FUNC || t == STT_NOTYPE || t == STT_OBJECT) && *n &&
			    s[j].st_value >= LOAD_MIN &&
			    nsyms < MAX_SYMS)
				syms[nsyms++] = (struct sym){ s[j].st_value, n, 0 };
		}
	}
	qsort(syms, nsyms, sizeof(syms[0]), by_addr);
	return *entry64 && *si_word ? 0 : -1;
}

static struct sym *sym_at(uint64_t a)
{
	unsigned lo = 0, hi = nsyms;

	while (lo < hi) { /* the last symbol at or below a */
		unsigned mid = (lo + hi) / 2;

		if (syms[mid].addr <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &syms[lo - 1] : NULL;
}

/* The child: the image at its physical addresses, a start_info, stop. */
static void guest_process(const uint8_t *f, uint64_t si_word)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)f;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(f + eh->e_phoff);
	uint64_t si = MEM - 4096;

	if (mmap((void *)LOAD_MIN, MEM - LOAD_MIN, PROT_READ | PROT_WRITE | PROT_EXEC,
		 MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED)
		_exit(1);
	for (unsigned i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD) {
			if (ph[i].p_paddr < LOAD_MIN || ph[i].p_paddr + ph[i].p_memsz > MEM - 8192)
				_exit(2);
			memcpy((void *)ph[i].p_paddr, f + ph[i].p_offset, ph[i].p_filesz);
		}
	*(struct hvm_start_info *)si = (struct hvm_start_info){
		.magic = XEN_HVM_START_MAGIC_VALUE, .version = 1, .cmdline_paddr = si + 2048 };
	strcpy((char *)si + 2048, "hello");
	*(uint32_t *)si_word = (uint32_t)si;
	if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
		_exit(3);
	raise(SIGSTOP);
	_exit(4);
}

static int peek(uint64_t a, void *b, size_t n)
{
	struct iovec l = { b, n }, r = { (void *)a, n };

	return process_vm_readv(child, &l, 1, &r, 1, 0) == (ssize_t)n ? 0 : -1;
}

static int poke(uint64_t a, const void *b, size_t n)
{
	struct iovec l = { (void *)b, n }, r = { (void *)a, n };

	return process_vm_writev(child, &l, 1, &r, 1, 0) == (ssize_t)n ? 0 : -1;
}

/* Bytes of a ModRM memory operand (ModRM, SIB, displacement). */
static unsigned modrm_len(const uint8_t *p)
{
	unsigned mod = p[0] >> 6, rm = p[0] & 7, n = 1;

	if (mod == 3)
		return 1;
	if (rm == 4 && (n++, mod == 0 && (p[1] & 7) == 5))
		n += 4;
	if (mod == 0 && rm == 5)
		n += 4;
	return n + (mod == 1 ? 1 : mod == 2 ? 4 : 0);
}

static void fill_hypercall_page(uint8_t *page)
{
	memset(page, 0xcc, 4096);
	for (uint32_t n = 0; n < PVABI_HYPERCALL_PAGE_STUBS; n++) {
		uint8_t *s = page + n * PVABI_HYPERCALL_STUB_SIZE;

		s[0] = 0xb8; /* mov $n, %eax; out %eax, $port; ret */
		memcpy(s + 1, &n, 4);
		s[5] = 0xe7;
		s[6] = PVABI_HYPERCALL_PORT;
		s[7] = 0xc3;
	}
}

enum { GO_ON, OUTPUT, UNSUPPORTED };

/* The hypercalls a kernel makes before it prints, as hospes-hv answers. */
static int hypercall(struct user_regs_struct *r)
{
	uint32_t nr = (uint32_t)r->rax;
	int64_t ret = -XEN_ENOSYS;

	if (nr == HYPERCALL_console_io && r->rdi == CONSOLEIO_write)
		return OUTPUT;
	if (nr == HYPERCALL_event_channel_op && r->rdi == EVTCHNOP_send)
		return console_ring ? OUTPUT : UNSUPPORTED;
	if (nr == HYPERCALL_xen_version && r->rdi == XENVER_version) {
		ret = HV_XEN_VERSION;
	} else if (nr == HYPERCALL_xen_version && r->rdi == XENVER_extraversion) {
		ret = poke(r->rsi, HV_XEN_EXTRAVERSION, sizeof(HV_XEN_EXTRAVERSION)) ? -XEN_EFAULT : 0;
	} else if (nr == HYPERCALL_xen_version && r->rdi == XENVER_get_features) {
		uint32_t map = 0;

		ret = poke(r->rsi + 4, &map, 4) ? -XEN_EFAULT : 0;
	} else if (nr == HYPERCALL_hvm_op && r->rdi == HVMOP_get_param) {
		struct xen_hvm_param p;

		if (peek(r->rsi, &p, sizeof(p)))
			return UNSUPPORTED;
		p.value = !console_ring ? 0
			  : p.index == HVM_PARAM_CONSOLE_PFN ? (MEM - 8192) >> 12
			  : p.index == HVM_PARAM_CONSOLE_EVTCHN ? CONS_PORT : 0;
		ret = poke(r->rsi, &p, sizeof(p)) ? -XEN_EFAULT : 0;
	} else if ((nr == HYPERCALL_hvm_op && r->rdi == HVMOP_set_evtchn_upcall_vector) ||
		   nr == HYPERCALL_memory_op) {
		ret = 0; /* add_to_physmap of shared_info: the page stays the guest's */
	} else {
		fprintf(stderr, "boot_insns: hypercall %u (%llu) not modelled\n", nr,
			(unsigned long long)r->rdi);
		return UNSUPPORTED;
	}
	r->rax = (uint64_t)ret;
	return GO_ON;
}

/* A privileged instruction at r->rip done here (its length, or 0 if the
 * CPU can single-step it); *result says whether the guest printed. */
static unsigned emulate(struct user_regs_struct *r, const uint8_t *b, int *result,
			unsigned long *exits)
{
	unsigned pre = (b[0] & 0xf0) == 0x40; /* REX */
	const uint8_t *o = b + pre;

	*result = GO_ON;
	if (o[0] == 0x8e) /* mov to a segment register */
		return pre + 1 + modrm_len(o + 1);
	if (o[0] == 0x0f && o[1] == 0x01 && (o[2] >> 6) != 3 && ((o[2] >> 3) & 7) <= 3)
		return pre + 2 + modrm_len(o + 2); /* lgdt/lidt */
	if (o[0] == 0x0f && (o[1] == 0x20 || o[1] == 0x22)) /* mov from/to CR */
		return pre + 3;
	if (o[0] == 0x0f && o[1] == 0x30) { /* wrmsr */
		uint8_t page[4096];

		if ((uint32_t)r->rcx == XEN_HYPERCALL_MSR) {
			++*exits;
			fill_hypercall_page(page);
			if (poke((r->rdx << 32) | (uint32_t)r->rax, page, sizeof(page)))
				*result = UNSUPPORTED;
		}
		return pre + 2;
	}
	if (o[0] == 0x0f && o[1] == 0x32) { /* rdmsr: the APIC base reads 0 */
		r->rax = r->rdx = 0;
		return pre + 2;
	}
	if (o[0] == 0x0f && o[1] == 0xa2) { /* cpuid: the Xen leaves */
		uint32_t leaf = (uint32_t)r->rax;

		r->rax = r->rbx = r->rcx = r->rdx = 0;
		if (leaf == XEN_CPUID_FIRST_BASE) {
			r->rax = XEN_CPUID_FIRST_BASE + XEN_CPUID_MAX_NUM_LEAVES;
			r->rbx = XEN_CPUID_SIGNATURE_EBX;
			r->rcx = XEN_CPUID_SIGNATURE_ECX;
			r->rdx = XEN_CPUID_SIGNATURE_EDX;
		} else if (leaf == XEN_CPUID_FIRST_BASE + XEN_CPUID_LEAF_VERSION) {
			r->rax = HV_XEN_VERSION;
		} else if (leaf == XEN_CPUID_FIRST_BASE + XEN_CPUID_LEAF_HYPERCALL) {
			r->rax = 1;
			r->rbx = XEN_HYPERCALL_MSR;
		}
		return pre + 2;
	}
	if (o[0] == 0xfa || o[0] == 0xfb) /* cli, sti */
		return pre + 1;
	if (o[0] == 0xf4) { /* hlt */
		fprintf(stderr, "boot_insns: hlt before any console output\n");
		*result = UNSUPPORTED;
		return pre + 1;
	}
	if (o[0] == 0xe6 && o[1] == PVABI_DEBUGCON_PORT) {
		++*exits;
		*result = OUTPUT;
		return pre + 2;
	}
	if (o[0] == 0xe7 && o[1] == PVABI_HYPERCALL_PORT) {
		++*exits;
		*result = hypercall(r);
		return pre + 2;
	}
	return 0;
}

static void print_functions(unsigned long total)
{
	printf("per function (%lu):\n", total);
	for (unsigned i = 0; i < nsyms; i++)
		if (syms[i].count)
			printf("  %8lu %s\n", syms[i].count, syms[i].name);
}

int main(int argc, char **argv)
{
	unsigned long insns = 0, exits = 0;
	uint64_t entry64, si_word;
	struct user_regs_struct r;
	int functions = 0, status, result = GO_ON;
	uint8_t *file;
	size_t size;

	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--console-ring"))
			console_ring = 1;
		else if (!strcmp(argv[i], "--functions"))
			functions = 1;
		else
			argc = 0;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: boot_insns KERNEL.elf [--console-ring] [--functions]\n");
		return 2;
	}
	if (hv_read_file(argv[1], &file, &size) || read_symbols(file, size, &entry64, &si_word)) {
		fprintf(stderr, "boot_insns: %s: not a pvabi kernel with symbols\n", argv[1]);
		return 1;
	}
	if ((child = fork()) == 0)
		guest_process(file, si_word);
	if (child < 0 || waitpid(child, &status, 0) != child || !WIFSTOPPED(status) ||
	    ptrace(PTRACE_GETREGS, child, 0, &r) < 0) {
		fprintf(stderr, "boot_insns: cannot start the traced image\n");
		return 1;
	}
	r.rip = entry64;
	while (result == GO_ON) {
		uint8_t b[16];
		struct sym *s;
		unsigned len;

		if (ptrace(PTRACE_SETREGS, child, 0, &r) < 0 || peek(r.rip, b, sizeof(b)))
			break;
		if ((s = sym_at(r.rip)))
			s->count++;
		insns++;
		if ((len = emulate(&r, b, &result, &exits))) {
			r.rip += len;
			continue;
		}
		if (ptrace(PTRACE_SINGLESTEP, child, 0, 0) < 0 || waitpid(child, &status, 0) != child ||
		    !WIFSTOPPED(status) || WSTOPSIG(status) != SIGTRAP ||
		    ptrace(PTRACE_GETREGS, child, 0, &r) < 0) {
			fprintf(stderr, "boot_insns: the guest stopped at 0x%llx (%02x %02x %02x)\n",
				(unsigned long long)r.rip, b[0], b[1], b[2]);
			result = UNSUPPORTED;
		}
	}
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	if (result == OUTPUT) {
		printf("boot_insns %lu\nboot_exits %lu\n", insns, exits);
		if (functions)
			print_functions(insns);
	}
	free(file); /* the symbol names point into it */
	return result == OUTPUT ? 0 : 1;
}
