/* test_elf_load.c: the ELF loader on images built in memory: valid ELF64
 * and ELF32 kernels land at p_paddr; each malformed image is refused with
 * the message naming the failed check. */
#include <criterion/criterion.h>
#include <elf.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "elf_load.h"

#define MEM (16ull << 20)

static struct hv_mem mem;
static uint8_t img[1 << 16];
static char err[512];
static struct elf_image out;

static void setup(void)
{
	cr_assert_eq(gmem_ram_create(&mem, MEM, "test-elf"), 0);
	memset(mem.base, 0xaa, MEM);
}

static void teardown(void)
{
	gmem_ram_destroy(&mem);
}

TestSuite(elf_load, .init = setup, .fini = teardown);

struct seg {
	uint32_t type;
	uint64_t paddr;
	const void *data;
	uint64_t filesz, memsz;
};

/* A PT_NOTE payload with one "Xen" note of the given type and desc size. */
static size_t make_note(uint8_t *p, uint32_t type, uint64_t value, uint32_t descsz)
{
	uint32_t hdr[3] = { 4, descsz, type };

	memcpy(p, hdr, 12);
	memcpy(p + 12, "Xen\0", 4);
	memcpy(p + 16, &value, descsz < 8 ? descsz : 8);
	return 16 + ((descsz + 3) & ~3u);
}

/* ELF header, then the program headers, then each segment's bytes. */
static size_t build(bool is64, const struct seg *s, unsigned n)
{
	size_t ehsz = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	size_t phsz = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	size_t off = ehsz + n * phsz;

	memset(img, 0, sizeof(img));
	memcpy(img, ELFMAG, SELFMAG);
	img[EI_CLASS] = is64 ? ELFCLASS64 : ELFCLASS32;
	img[EI_DATA] = ELFDATA2LSB;
	img[EI_VERSION] = EV_CURRENT;
	if (is64) {
		Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
		eh->e_type = ET_EXEC, eh->e_machine = EM_X86_64, eh->e_version = EV_CURRENT;
		eh->e_phoff = ehsz, eh->e_phentsize = (uint16_t)phsz, eh->e_phnum = (uint16_t)n;
		eh->e_ehsize = (uint16_t)ehsz;
	} else {
		Elf32_Ehdr *eh = (Elf32_Ehdr *)img;
		eh->e_type = ET_EXEC, eh->e_machine = EM_386, eh->e_version = EV_CURRENT;
		eh->e_phoff = (uint32_t)ehsz, eh->e_phentsize = (uint16_t)phsz, eh->e_phnum = (uint16_t)n;
		eh->e_ehsize = (uint16_t)ehsz;
	}
	for (unsigned i = 0; i < n; i++) {
		off = (off + 15) & ~15ul;
		if (is64) {
			Elf64_Phdr *ph = (Elf64_Phdr *)(img + ehsz) + i;
			*ph = (Elf64_Phdr){ .p_type = s[i].type, .p_offset = off, .p_paddr = s[i].paddr,
					    .p_vaddr = 0xffffffff80000000ull + s[i].paddr,
					    .p_filesz = s[i].filesz, .p_memsz = s[i].memsz };
		} else {
			Elf32_Phdr *ph = (Elf32_Phdr *)(img + ehsz) + i;
			*ph = (Elf32_Phdr){ .p_type = s[i].type, .p_offset = (uint32_t)off,
					    .p_paddr = (uint32_t)s[i].paddr,
					    .p_filesz = (uint32_t)s[i].filesz,
					    .p_memsz = (uint32_t)s[i].memsz };
		}
		if (s[i].data)
			memcpy(img + off, s[i].data, s[i].filesz);
		off += s[i].filesz;
	}
	return off;
}

static Elf64_Ehdr *eh64(void) { return (Elf64_Ehdr *)img; }
static Elf64_Phdr *ph64(unsigned i) { return (Elf64_Phdr *)(img + sizeof(Elf64_Ehdr)) + i; }

static uint8_t note[64], code[100];
static size_t note_len;

/* A good two-segment kernel: code at 1 MiB (with BSS), the entry note. */
static size_t good64(uint64_t entry, uint32_t descsz)
{
	for (unsigned i = 0; i < sizeof(code); i++)
		code[i] = (uint8_t)(i + 1);
	note_len = make_note(note, 18, entry, descsz);
	struct seg s[] = { { PT_LOAD, 0x100000, code, sizeof(code), 0x2000 },
			   { PT_NOTE, 0, note, note_len, note_len } };
	return build(true, s, 2);
}

static void expect_fail(size_t size, const char *msg)
{
	int r = elf_load("k.elf", img, size, &mem, &out, err, sizeof(err));
	cr_assert_eq(r, -ENOEXEC, "loaded, want failure '%s'", msg);
	cr_assert(strstr(err, msg), "message '%s' lacks '%s'", err, msg);
	cr_assert(strstr(err, "k.elf"), "message '%s' lacks the file name", err);
	cr_assert_eq(mem.base[0x100000], 0xaa, "guest RAM written on failure");
}

Test(elf_load, elf64_with_8_byte_entry)
{
	size_t n = good64(0x100010, 8);

	cr_assert_eq(elf_load("k.elf", img, n, &mem, &out, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(out.entry, 0x100010);
	cr_assert_eq(out.lo, 0x100000);
	cr_assert_eq(out.hi, 0x102000);
	cr_assert_arr_eq(mem.base + 0x100000, code, sizeof(code));
	for (size_t i = sizeof(code); i < 0x2000; i++)
		cr_assert_eq(mem.base[0x100000 + i], 0, "BSS byte %zu not zeroed", i);
	cr_assert_eq(mem.base[0x102000], 0xaa, "wrote past p_memsz");
}

/* A large BSS is zeroed by giving its whole pages back to the RAM memfd:
 * they read as zeros and the host holds no memory for them. */
Test(elf_load, large_bss_costs_no_host_memory)
{
	const uint64_t bss_end = 0x100000 + 0x41000 + 0x123;
	struct stat before, after;

	note_len = make_note(note, 18, 0x100000, 8);
	struct seg s[] = { { PT_LOAD, 0x100000, code, sizeof(code), bss_end - 0x100000 },
			   { PT_NOTE, 0, note, note_len, note_len } };
	size_t n = build(true, s, 2);

	cr_assert_eq(fstat(mem.fd, &before), 0);
	cr_assert_eq(elf_load("k.elf", img, n, &mem, &out, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(fstat(mem.fd, &after), 0);
	cr_assert_arr_eq(mem.base + 0x100000, code, sizeof(code));
	for (uint64_t a = 0x100000 + sizeof(code); a < bss_end; a++)
		cr_assert_eq(mem.base[a], 0, "BSS byte at 0x%llx not zeroed", (unsigned long long)a);
	cr_assert_eq(mem.base[bss_end], 0xaa, "wrote past p_memsz");
	/* 0x40 whole pages given back (st_blocks counts 512-byte units). */
	cr_assert_geq((before.st_blocks - after.st_blocks) * 512, 0x40 * 4096,
		      "allocated %lld -> %lld blocks", (long long)before.st_blocks,
		      (long long)after.st_blocks);
}

Test(elf_load, elf32_with_4_byte_entry)
{
	uint8_t data[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	note_len = make_note(note, 18, 0x200004, 4);
	struct seg s[] = { { PT_NOTE, 0, note, note_len, note_len },
			   { PT_LOAD, 0x200000, data, 8, 0x1000 } };
	size_t n = build(false, s, 2);

	cr_assert_eq(elf_load("k.elf", img, n, &mem, &out, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(out.entry, 0x200004);
	cr_assert_arr_eq(mem.base + 0x200000, data, 8);
	cr_assert_eq(mem.base[0x200008], 0);
	cr_assert_eq(mem.base[0x200fff], 0);
}

Test(elf_load, other_notes_are_skipped)
{
	uint8_t notes[96];
	size_t len = make_note(notes, 6, 0x78756e696c, 6); /* GUEST_OS "linux\0" */
	len += make_note(notes + len, 18, 0x100000, 8);
	struct seg s[] = { { PT_LOAD, 0x100000, code, 16, 16 }, { PT_NOTE, 0, notes, len, len } };
	size_t n = build(true, s, 2);

	cr_assert_eq(elf_load("k.elf", img, n, &mem, &out, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(out.entry, 0x100000);
}

Test(elf_load, header_checks)
{
	size_t n = good64(0x100000, 8);

	expect_fail(3, "too short");
	img[0] = 'h';
	expect_fail(n, "bad magic");
	good64(0x100000, 8), img[EI_CLASS] = 7;
	expect_fail(n, "bad ELF class 7");
	good64(0x100000, 8), img[EI_DATA] = ELFDATA2MSB;
	expect_fail(n, "data encoding");
	good64(0x100000, 8), eh64()->e_version = 2;
	expect_fail(n, "bad ELF version");
	good64(0x100000, 8), eh64()->e_machine = EM_AARCH64;
	expect_fail(n, "bad ELF machine 183");
	good64(0x100000, 8), eh64()->e_type = ET_DYN;
	expect_fail(n, "bad ELF type 3");
	good64(0x100000, 8);
	expect_fail(40, "truncated ELF header (40 bytes, need 64)");
	good64(0x100000, 8), eh64()->e_phentsize = 40;
	expect_fail(n, "bad e_phentsize 40");
	good64(0x100000, 8), eh64()->e_phoff = n - 10;
	expect_fail(n, "program header table");
	good64(0x100000, 8), eh64()->e_phnum = 65;
	expect_fail(n, "too many program headers (65");
	good64(0x100000, 8), eh64()->e_phnum = 0;
	expect_fail(n, "no program headers");
}

Test(elf_load, segment_checks)
{
	size_t n = good64(0x100000, 8);

	ph64(0)->p_offset = n - 4;
	expect_fail(n, "program header 0: segment data");
	good64(0x100000, 8), ph64(0)->p_memsz = 0x10;
	expect_fail(n, "program header 0: p_filesz 0x64 > p_memsz 0x10");
	good64(0x100000, 8), ph64(0)->p_paddr = UINT64_MAX - 0x10;
	expect_fail(n, "program header 0: address overflow");
	good64(0x100000, 8), ph64(0)->p_paddr = MEM - 0x1000;
	expect_fail(n, "program header 0: segment [0xfff000, 0x1001000) is outside guest RAM");
	good64(0x100000, 8), ph64(1)->p_offset = n + 100;
	expect_fail(n, "program header 1: segment data");
}

Test(elf_load, segment_in_the_hole)
{
	struct hv_mem big;
	size_t n = good64(0x100000, 8);

	cr_assert_eq(gmem_ram_create(&big, 5ull << 30, "test-elf-big"), 0);
	ph64(0)->p_paddr = 0xc0000000ull;
	cr_assert_eq(elf_load("k.elf", img, n, &big, &out, err, sizeof(err)), -ENOEXEC);
	cr_assert(strstr(err, "outside guest RAM"), "%s", err);
	ph64(0)->p_paddr = 0x100000000ull; /* above the hole is RAM */
	cr_assert_eq(elf_load("k.elf", img, n, &big, &out, err, sizeof(err)), 0, "%s", err);
	gmem_ram_destroy(&big);
}

Test(elf_load, overlapping_segments)
{
	note_len = make_note(note, 18, 0x100000, 8);
	struct seg s[] = { { PT_LOAD, 0x100000, code, 16, 0x2000 },
			   { PT_LOAD, 0x101000, code, 16, 0x1000 },
			   { PT_NOTE, 0, note, note_len, note_len } };
	size_t n = build(true, s, 3);

	expect_fail(n, "program header 1: segment [0x101000, 0x102000) overlaps program header 0");
}

Test(elf_load, entry_checks)
{
	size_t n = good64(0x100000, 8);

	ph64(1)->p_type = PT_NULL;
	expect_fail(n, "no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)");
	n = good64(0x100000000ull, 8);
	expect_fail(n, "PVH entry 0x100000000 is not below 4 GiB");
	n = good64(0x20000000, 8);
	expect_fail(n, "PVH entry 0x20000000 is outside guest RAM");
	n = good64(0x100000, 2);
	expect_fail(n, "XEN_ELFNOTE_PHYS32_ENTRY has descsz 2");
	n = good64(0x100000, 8);
	ph64(1)->p_filesz = 10; /* cuts the note header */
	expect_fail(n, "program header 1: truncated note header");
	n = good64(0x100000, 8);
	memcpy(img + ph64(1)->p_offset + 4, &(uint32_t){ 0x7fffffff }, 4); /* descsz */
	expect_fail(n, "runs past the segment end");
}
