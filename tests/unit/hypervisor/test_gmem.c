/* test_gmem.c: page-table walks over tables built in guest RAM, and the
 * checked copies on top of them. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "hv.h"

#define MEM (16ull << 20)
#define P 0x1ull
#define RW 0x2ull
#define A 0x20ull
#define D 0x40ull
#define PS 0x80ull
#define CR0_PE 0x1ull
#define CR0_WP (1ull << 16)
#define CR0_PG (1ull << 31)
#define CR4_PSE (1ull << 4)
#define CR4_PAE (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)

static struct hv_domain dom;
static struct kvm_regs regs;
static struct kvm_sregs sregs;
static struct hv_vcpu vcpu;
static uint64_t gpa;

static void setup(void)
{
	memset(&dom, 0, sizeof(dom));
	cr_assert_eq(gmem_ram_create(&dom.mem, MEM, "test-gmem"), 0);
	memset(&regs, 0, sizeof(regs));
	memset(&sregs, 0, sizeof(sregs));
	vcpu = (struct hv_vcpu){ .dom = &dom, .regs = &regs, .sregs = &sregs, .fd = -1 };
}

static void teardown(void)
{
	gmem_ram_destroy(&dom.mem);
}

TestSuite(gmem, .init = setup, .fini = teardown);

static uint64_t *e64(uint64_t table, unsigned idx)
{
	return (uint64_t *)(dom.mem.base + table) + idx;
}

static uint32_t *e32(uint64_t table, unsigned idx)
{
	return (uint32_t *)(dom.mem.base + table) + idx;
}

static void long_mode(void)
{
	sregs.cr0 = CR0_PE | CR0_PG | CR0_WP;
	sregs.cr4 = CR4_PAE;
	sregs.efer = EFER_LME | EFER_LMA;
	sregs.cr3 = 0x1000;
}

/* 4-level tables: PML4 0x1000, PDPT 0x2000, PD 0x3000, PT 0x4000; VA with
 * indices 1/2/3/4 maps to frame. */
#define VA4 ((1ull << 39) | (2ull << 30) | (3ull << 21) | (4ull << 12))
static void map4k(uint64_t frame, uint64_t leaf_flags)
{
	long_mode();
	*e64(0x1000, 1) = 0x2000 | P | RW;
	*e64(0x2000, 2) = 0x3000 | P | RW;
	*e64(0x3000, 3) = 0x4000 | P | RW;
	*e64(0x4000, 4) = frame | leaf_flags;
}

Test(gmem, paging_off_is_identity)
{
	sregs.cr0 = CR0_PE;
	cr_assert_eq(gmem_translate(&vcpu, 0x123456, GMEM_READ, &gpa), 0);
	cr_assert_eq(gpa, 0x123456);
	cr_assert_eq(gmem_translate(&vcpu, 0x100000000ull, GMEM_READ, &gpa), -EFAULT);
	cr_assert_eq(gmem_translate(&vcpu, MEM, GMEM_READ, &gpa), -EFAULT, "beyond RAM");
}

Test(gmem, long_mode_4k_sets_accessed_and_dirty)
{
	map4k(0x100000, P | RW);
	cr_assert_eq(gmem_translate(&vcpu, VA4 + 0x123, GMEM_READ, &gpa), 0);
	cr_assert_eq(gpa, 0x100123);
	cr_assert(*e64(0x1000, 1) & A);
	cr_assert(*e64(0x2000, 2) & A);
	cr_assert(*e64(0x3000, 3) & A);
	cr_assert(*e64(0x4000, 4) & A);
	cr_assert_not(*e64(0x4000, 4) & D, "a read must not dirty");
	cr_assert_eq(gmem_translate(&vcpu, VA4, GMEM_WRITE, &gpa), 0);
	cr_assert(*e64(0x4000, 4) & D);
	cr_assert_not(*e64(0x3000, 3) & D, "only the leaf gets D");
}

Test(gmem, long_mode_2m_and_1g_pages)
{
	long_mode();
	*e64(0x1000, 0) = 0x2000 | P | RW;
	*e64(0x2000, 0) = 0x3000 | P | RW;
	*e64(0x3000, 1) = 0x400000 | P | RW | PS; /* VA 2M -> 4M */
	*e64(0x2000, 1) = 0x0 | P | RW | PS;      /* VA 1G -> 0 */
	cr_assert_eq(gmem_translate(&vcpu, 0x200000 + 0x12345, GMEM_WRITE, &gpa), 0);
	cr_assert_eq(gpa, 0x412345);
	cr_assert(*e64(0x3000, 1) & D);
	cr_assert_eq(gmem_translate(&vcpu, (1ull << 30) + 0x5000, GMEM_READ, &gpa), 0);
	cr_assert_eq(gpa, 0x5000);
}

Test(gmem, pae_3_level)
{
	sregs.cr0 = CR0_PE | CR0_PG;
	sregs.cr4 = CR4_PAE;
	sregs.cr3 = 0x1000;
	*e64(0x1000, 1) = 0x2000 | P; /* PDPTE: no R/W or A bits in PAE */
	*e64(0x2000, 2) = 0x3000 | P | RW;
	*e64(0x3000, 3) = 0x100000 | P | RW;
	*e64(0x2000, 4) = 0x600000 | P | RW | PS;
	uint64_t va = (1ull << 30) | (2ull << 21) | (3ull << 12) | 0x10;
	cr_assert_eq(gmem_translate(&vcpu, va, GMEM_READ, &gpa), 0);
	cr_assert_eq(gpa, 0x100010);
	cr_assert_eq(*e64(0x1000, 1), 0x2000 | P, "PDPTE untouched");
	cr_assert_eq(gmem_translate(&vcpu, (1ull << 30) | (4ull << 21) | 0x1234, GMEM_READ, &gpa), 0);
	cr_assert_eq(gpa, 0x601234);
	cr_assert_eq(gmem_translate(&vcpu, 0x100000000ull, GMEM_READ, &gpa), -EFAULT);
}

Test(gmem, two_level_32bit_with_4m_pages)
{
	sregs.cr0 = CR0_PE | CR0_PG;
	sregs.cr4 = CR4_PSE;
	sregs.cr3 = 0x1000;
	*e32(0x1000, 1) = 0x800000 | P | RW | PS;
	*e32(0x1000, 2) = 0x2000 | P | RW;
	*e32(0x2000, 5) = 0x300000 | P | RW;
	cr_assert_eq(gmem_translate(&vcpu, (1u << 22) | 0x12345, GMEM_WRITE, &gpa), 0);
	cr_assert_eq(gpa, 0x812345);
	cr_assert_eq(*e32(0x1000, 1), 0x800000 | P | RW | PS | A | D);
	cr_assert_eq(gmem_translate(&vcpu, (2u << 22) | (5u << 12) | 7, GMEM_READ, &gpa), 0);
	cr_assert_eq(gpa, 0x300007);
	cr_assert(*e32(0x2000, 5) & A);
}

Test(gmem, not_present_faults)
{
	map4k(0x100000, 0);
	cr_assert_eq(gmem_translate(&vcpu, VA4, GMEM_READ, &gpa), -EFAULT);
	*e64(0x4000, 4) = 0x100000 | P;
	*e64(0x3000, 3) = 0;
	cr_assert_eq(gmem_translate(&vcpu, VA4, GMEM_READ, &gpa), -EFAULT);
}

Test(gmem, read_only_with_and_without_wp)
{
	map4k(0x100000, P);
	cr_assert_eq(gmem_translate(&vcpu, VA4, GMEM_READ, &gpa), 0);
	cr_assert_eq(gmem_translate(&vcpu, VA4, GMEM_WRITE, &gpa), -EFAULT);
	cr_assert_not(*e64(0x4000, 4) & D, "failed write must not dirty");
	*e64(0x4000, 4) = 0x100000 | P | RW;
	*e64(0x2000, 2) &= ~RW; /* read-only at an upper level */
	cr_assert_eq(gmem_translate(&vcpu, VA4, GMEM_WRITE, &gpa), -EFAULT);
	sregs.cr0 &= ~CR0_WP; /* supervisor writes ignore R/W without WP */
	cr_assert_eq(gmem_translate(&vcpu, VA4, GMEM_WRITE, &gpa), 0);
}

Test(gmem, tables_and_frames_outside_ram)
{
	map4k(0x100000, P | RW);
	*e64(0x2000, 2) = 0xf0000000ull | P | RW; /* PD outside RAM */
	cr_assert_eq(gmem_translate(&vcpu, VA4, GMEM_READ, &gpa), -EFAULT);
	map4k(MEM + 0x1000, P | RW); /* frame outside RAM */
	cr_assert_eq(gmem_translate(&vcpu, VA4, GMEM_READ, &gpa), -EFAULT);
	sregs.cr3 = 0x7fff000000ull; /* PML4 outside RAM */
	cr_assert_eq(gmem_translate(&vcpu, VA4, GMEM_READ, &gpa), -EFAULT);
}

Test(gmem, non_canonical_and_la57)
{
	map4k(0x100000, P | RW);
	cr_assert_eq(gmem_translate(&vcpu, 0x0000800000000000ull, GMEM_READ, &gpa), -EFAULT);
	cr_assert_eq(gmem_translate(&vcpu, 0xfff0000000000000ull, GMEM_READ, &gpa), -EFAULT);
	sregs.cr4 |= CR4_LA57;
	cr_assert_eq(gmem_translate(&vcpu, VA4, GMEM_READ, &gpa), -EFAULT);
}

/* VA4 -> 0x100000, VA4 + 4K -> 0x300000 (not contiguous), VA4 + 8K absent. */
static void two_pages(uint64_t second_flags)
{
	map4k(0x100000, P | RW);
	*e64(0x4000, 5) = 0x300000 | second_flags;
}

Test(gmem, copies_cross_page_boundaries)
{
	char buf[8] = { 0 };

	two_pages(P | RW);
	cr_assert_eq(gmem_copy_to_guest(&vcpu, VA4 + 4093, "ABCDEF", 6), 0);
	cr_assert_eq(memcmp(dom.mem.base + 0x100000 + 4093, "ABC", 3), 0);
	cr_assert_eq(memcmp(dom.mem.base + 0x300000, "DEF", 3), 0);
	cr_assert_eq(gmem_copy_from_guest(&vcpu, buf, VA4 + 4093, 6), 0);
	cr_assert_str_eq(buf, "ABCDEF");
	cr_assert(*e64(0x4000, 5) & D);
	/* Ending exactly at a page end does not touch the next page. */
	cr_assert_eq(gmem_copy_from_guest(&vcpu, buf, VA4 + 8192 - 4, 4), 0);
	cr_assert_eq(gmem_copy_from_guest(&vcpu, buf, VA4 + 8192 - 4, 5), -EFAULT);
	cr_assert_eq(gmem_copy_from_guest(&vcpu, buf, VA4, 0), 0, "empty copy");
}

Test(gmem, copy_into_read_only_or_absent_page_faults)
{
	two_pages(P); /* second page read-only */
	cr_assert_eq(gmem_copy_to_guest(&vcpu, VA4 + 4094, "xyz", 3), -EFAULT);
	cr_assert_eq(gmem_copy_from_guest(&vcpu, (char[3]){ 0 }, VA4 + 4094, 3), 0);
	two_pages(0); /* second page absent */
	cr_assert_eq(gmem_copy_from_guest(&vcpu, (char[3]){ 0 }, VA4 + 4094, 3), -EFAULT);
	cr_assert_eq(gmem_copy_from_guest(&vcpu, (char[8]){ 0 }, UINT64_MAX - 2, 8), -EFAULT,
		     "wrap-around");
}

Test(gmem, bounded_string_copy)
{
	char s[16];

	two_pages(P | RW);
	memcpy(dom.mem.base + 0x100000 + 4093, "hel", 3);
	memcpy(dom.mem.base + 0x300000, "lo\0", 3);
	cr_assert_eq(gmem_strncpy_from_guest(&vcpu, s, VA4 + 4093, sizeof(s)), 5);
	cr_assert_str_eq(s, "hello");
	cr_assert_eq(gmem_strncpy_from_guest(&vcpu, s, VA4 + 4093, 5), -ENAMETOOLONG);
	memset(dom.mem.base + 0x300000, 'x', 4096);
	cr_assert_eq(gmem_strncpy_from_guest(&vcpu, s, VA4 + 8192 - 4, sizeof(s)), -EFAULT);
}

Test(gmem, fetch_code_stops_at_unmapped_page)
{
	uint8_t code[16];

	two_pages(0);
	regs.rip = VA4 + 4096 - 3;
	memcpy(dom.mem.base + 0x100000 + 4093, "\x0f\x01\xc1", 3);
	cr_assert_eq(gmem_fetch_code(&vcpu, code, sizeof(code)), 3);
	cr_assert_eq(memcmp(code, "\x0f\x01\xc1", 3), 0);
	regs.rip = VA4 + 4096;
	cr_assert_eq(gmem_fetch_code(&vcpu, code, sizeof(code)), 0);
}
