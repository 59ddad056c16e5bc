/* bootinfo.h: building the PVH hvm_start_info, memory map, module list and
 * command line in guest RAM. */
#ifndef HOSPES_BOOTINFO_H
#define HOSPES_BOOTINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv.h"

#define BOOTINFO_MAX_MODULES 16
#define BOOTINFO_CMDLINE_MAX 4095 /* bytes, without the NUL */

struct bootinfo_module {
	const char *name; /* for messages */
	const uint8_t *data;
	uint64_t size;
};

struct bootinfo_req {
	const char *cmdline; /* NULL = empty */
	unsigned nr_modules;
	const struct bootinfo_module *modules;
	uint64_t kernel_lo, kernel_hi; /* loaded extent, must not be overlapped */
	bool store_page; /* reserve the xenstore ring page (BOOTINFO_STORE_GPA) */
	bool console_page; /* console: reserve the console ring page, below the store page */
};

struct bootinfo_result {
	uint64_t start_info;                      /* GPA, goes in EBX */
	uint64_t module_gpa[BOOTINFO_MAX_MODULES];
	uint64_t store_gpa; /* the zeroed xenstore ring page, 0 without store_page */
	uint64_t console_gpa; /* console: the zeroed console ring page, 0 without console_page */
};

/* With store_page, the last page of the first RAM range is the xenstore
 * ring: zeroed and reported as a reserved memory-map entry; modules and
 * boot information go below it. */
static inline uint64_t bootinfo_store_gpa(const struct hv_mem *mem)
{
	return mem->ranges[0].gpa + mem->ranges[0].size - HV_PAGE_SIZE;
}

/* Console: the ring pages at the top of the first range (store, console)
 * form one reserved memory-map entry of this many pages. */
static inline unsigned bootinfo_reserved_pages(const struct bootinfo_req *req)
{
	return (req->store_page ? 1u : 0u) + (req->console_page ? 1u : 0u);
}

/* Places everything at the top of the first RAM range, page-aligned and
 * descending: the xenstore page (if asked) highest, then the console page
 * (if asked), then module 0, then one region with start_info, memory map,
 * module list and command line. Returns 0, or -E2BIG / -ENOMEM with a
 * message in err. Pure: writes only into mem. */
int bootinfo_build(const struct hv_mem *mem, const struct bootinfo_req *req,
		   struct bootinfo_result *res, char *err, size_t errlen);

#endif
