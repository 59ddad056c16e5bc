/* elf_load.c: validating an x86 ELF kernel and copying its PT_LOAD
 * segments to their physical addresses (p_paddr) in guest RAM. */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "elf_load.h"

/* One program header, whatever the ELF class. */
struct phdr {
	uint32_t type;
	uint64_t offset, paddr, filesz, memsz;
};

struct elf_ctx {
	const char *name;
	const uint8_t *file;
	size_t size;
	bool is64;
	unsigned phnum;
	struct phdr ph[ELF_MAX_PHDRS];
	char *err;
	size_t errlen;
};

#define FAIL(c, ...) (snprintf((c)->err, (c)->errlen, __VA_ARGS__), -ENOEXEC)

static int check_ident(struct elf_ctx *c, uint16_t *type, uint16_t *machine)
{
	const uint8_t *id = c->file;
	uint32_t version;

	if (c->size < SELFMAG)
		return FAIL(c, "%s: file too short for an ELF image (%zu bytes)", c->name, c->size);
	if (memcmp(id, ELFMAG, SELFMAG))
		return FAIL(c, "%s: not an ELF file (bad magic %02x %02x %02x %02x)", c->name, id[0],
			    id[1], id[2], id[3]);
	if (c->size < EI_NIDENT)
		return FAIL(c, "%s: truncated ELF header (%zu bytes)", c->name, c->size);
	if (id[EI_CLASS] != ELFCLASS64 && id[EI_CLASS] != ELFCLASS32)
		return FAIL(c, "%s: bad ELF class %u", c->name, id[EI_CLASS]);
	c->is64 = id[EI_CLASS] == ELFCLASS64;
	size_t need = c->is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	if (c->size < need)
		return FAIL(c, "%s: truncated ELF header (%zu bytes, need %zu)", c->name, c->size, need);
	if (id[EI_DATA] != ELFDATA2LSB)
		return FAIL(c, "%s: bad ELF data encoding %u (want little-endian)", c->name, id[EI_DATA]);
	/* e_type, e_machine, e_version sit at the same offsets in both classes. */
	memcpy(type, c->file + offsetof(Elf64_Ehdr, e_type), 2);
	memcpy(machine, c->file + offsetof(Elf64_Ehdr, e_machine), 2);
	memcpy(&version, c->file + offsetof(Elf64_Ehdr, e_version), 4);
	if (id[EI_VERSION] != EV_CURRENT || version != EV_CURRENT)
		return FAIL(c, "%s: bad ELF version %u/%u", c->name, id[EI_VERSION], version);
	return 0;
}

static int read_header(struct elf_ctx *c)
{
	uint16_t type, machine, phentsize, phnum;
	uint64_t phoff;
	int r = check_ident(c, &type, &machine);

	if (r)
		return r;
	if (machine != (c->is64 ? EM_X86_64 : EM_386))
		return FAIL(c, "%s: bad ELF machine %u (want %u for ELF%d)", c->name, machine,
			    c->is64 ? EM_X86_64 : EM_386, c->is64 ? 64 : 32);
	if (type != ET_EXEC)
		return FAIL(c, "%s: bad ELF type %u (want ET_EXEC)", c->name, type);
	if (c->is64) {
		Elf64_Ehdr eh;
		memcpy(&eh, c->file, sizeof(eh));
		phoff = eh.e_phoff, phentsize = eh.e_phentsize, phnum = eh.e_phnum;
	} else {
		Elf32_Ehdr eh;
		memcpy(&eh, c->file, sizeof(eh));
		phoff = eh.e_phoff, phentsize = eh.e_phentsize, phnum = eh.e_phnum;
	}
	if (phentsize != (c->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)))
		return FAIL(c, "%s: bad e_phentsize %u", c->name, phentsize);
	if (phnum == 0)
		return FAIL(c, "%s: no program headers", c->name);
	if (phnum > ELF_MAX_PHDRS)
		return FAIL(c, "%s: too many program headers (%u, at most %d)", c->name, phnum,
			    ELF_MAX_PHDRS);
	if (phoff > c->size || (uint64_t)phnum * phentsize > c->size - phoff)
		return FAIL(c, "%s: program header table [0x%llx, +%u*%u) outside the file (%zu bytes)",
			    c->name, (unsigned long long)phoff, phnum, phentsize, c->size);
	c->phnum = phnum;
	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *p = c->file + phoff + (uint64_t)i * phentsize;
		if (c->is64) {
			Elf64_Phdr ph;
			memcpy(&ph, p, sizeof(ph));
			c->ph[i] = (struct phdr){ ph.p_type, ph.p_offset, ph.p_paddr, ph.p_filesz, ph.p_memsz };
		} else {
			Elf32_Phdr ph;
			memcpy(&ph, p, sizeof(ph));
			c->ph[i] = (struct phdr){ ph.p_type, ph.p_offset, ph.p_paddr, ph.p_filesz, ph.p_memsz };
		}
	}
	return 0;
}

static int check_file_range(struct elf_ctx *c, unsigned i)
{
	const struct phdr *p = &c->ph[i];

	if (p->offset > c->size || p->filesz > c->size - p->offset)
		return FAIL(c,
			    "%s: program header %u: segment data [0x%llx, 0x%llx + 0x%llx) outside the "
			    "file (%zu bytes)",
			    c->name, i, (unsigned long long)p->offset, (unsigned long long)p->offset,
			    (unsigned long long)p->filesz, c->size);
	return 0;
}

static int check_load(struct elf_ctx *c, unsigned i, const struct hv_mem *mem)
{
	const struct phdr *p = &c->ph[i];
	unsigned long long a = p->paddr, m = p->memsz;

	if (check_file_range(c, i))
		return -ENOEXEC;
	if (p->filesz > p->memsz)
		return FAIL(c, "%s: program header %u: p_filesz 0x%llx > p_memsz 0x%llx", c->name, i,
			    (unsigned long long)p->filesz, m);
	if (a + m < a)
		return FAIL(c, "%s: program header %u: address overflow (p_paddr 0x%llx + p_memsz 0x%llx)",
			    c->name, i, a, m);
	if (m && !gmem_gpa_ptr(mem, a, m))
		return FAIL(c, "%s: program header %u: segment [0x%llx, 0x%llx) is outside guest RAM",
			    c->name, i, a, a + m);
	for (unsigned j = 0; j < i; j++) {
		const struct phdr *q = &c->ph[j];
		if (q->type == PT_LOAD && m && q->memsz && a < q->paddr + q->memsz && q->paddr < a + m)
			return FAIL(c,
				    "%s: program header %u: segment [0x%llx, 0x%llx) overlaps program "
				    "header %u [0x%llx, 0x%llx)",
				    c->name, i, a, a + m, j, (unsigned long long)q->paddr,
				    (unsigned long long)(q->paddr + q->memsz));
	}
	return 0;
}

/* Checks every header; fills the extent and entry. Writes nothing. */
static int validate(struct elf_ctx *c, const struct hv_mem *mem, struct elf_image *out)
{
	bool have_entry = false, have_load = false;
	char where[64];

	out->lo = UINT64_MAX, out->hi = 0;
	for (unsigned i = 0; i < c->phnum; i++) {
		const struct phdr *p = &c->ph[i];
		int r;

		if (p->type == PT_LOAD) {
			if (check_load(c, i, mem))
				return -ENOEXEC;
			if (p->memsz && p->paddr < out->lo)
				out->lo = p->paddr;
			if (p->memsz && p->paddr + p->memsz > out->hi)
				out->hi = p->paddr + p->memsz;
			have_load = true;
		} else if (p->type == PT_NOTE) {
			if (check_file_range(c, i))
				return -ENOEXEC;
			snprintf(where, sizeof(where), "program header %u", i);
			r = elf_find_pvh_entry(c->file + p->offset, p->filesz, &out->entry, where,
					       c->err, c->errlen);
			if (r < 0) {
				char msg[256];
				snprintf(msg, sizeof(msg), "%s", c->err);
				return FAIL(c, "%s: %s", c->name, msg);
			}
			have_entry |= r > 0;
		}
	}
	if (!have_load || out->lo >= out->hi)
		return FAIL(c, "%s: no loadable (PT_LOAD) segment", c->name);
	if (!have_entry)
		return FAIL(c, "%s: no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)", c->name);
	if (out->entry >= (1ull << 32))
		return FAIL(c, "%s: PVH entry 0x%llx is not below 4 GiB", c->name,
			    (unsigned long long)out->entry);
	if (!gmem_gpa_ptr(mem, out->entry, 1))
		return FAIL(c, "%s: PVH entry 0x%llx is outside guest RAM", c->name,
			    (unsigned long long)out->entry);
	return 0;
}

int elf_load(const char *name, const uint8_t *file, size_t size, const struct hv_mem *mem,
	     struct elf_image *out, char *err, size_t errlen)
{
	struct elf_ctx c = { .name = name, .file = file, .size = size, .err = err, .errlen = errlen };
	int r = read_header(&c);

	if (r || (r = validate(&c, mem, out)))
		return r;
	for (unsigned i = 0; i < c.phnum; i++) {
		const struct phdr *p = &c.ph[i];
		uint8_t *dst;

		if (p->type != PT_LOAD || !p->memsz)
			continue;
		dst = gmem_gpa_ptr(mem, p->paddr, p->memsz);
		memcpy(dst, file + p->offset, p->filesz);
		gmem_ram_zero(mem, p->paddr + p->filesz, p->memsz - p->filesz);
	}
	return 0;
}
