/* bootinfo.h: building the PVH hvm_start_info, memory map, module list and
 * command line in guest RAM. */
#ifndef HOSPES_BOOTINFO_H
#define HOSPES_BOOTINFO_H

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
};

struct bootinfo_result {
	uint64_t start_info;                      /* GPA, goes in EBX */
	uint64_t module_gpa[BOOTINFO_MAX_MODULES];
};

/* Places everything at the top of the first RAM range, page-aligned and
 * descending: module 0 highest, then one region with start_info, memory map,
 * module list and command line. Returns 0, or -E2BIG / -ENOMEM with a
 * message in err. Pure: writes only into mem. */
int bootinfo_build(const struct hv_mem *mem, const struct bootinfo_req *req,
		   struct bootinfo_result *res, char *err, size_t errlen);

#endif
