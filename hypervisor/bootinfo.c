/* bootinfo.c: the PVH start-of-day information (hvm_start_info v1) and
 * where it goes in guest RAM. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <pvabi/hvm_start_info.h>

#include "bootinfo.h"

static uint64_t page_up(uint64_t n)
{
	return (n + HV_PAGE_SIZE - 1) & HV_PAGE_MASK;
}

static int check_request(const struct bootinfo_req *req, size_t cmdlen, char *err, size_t errlen)
{
	if (cmdlen > BOOTINFO_CMDLINE_MAX) {
		snprintf(err, errlen, "command line too long (%zu bytes, at most %d)", cmdlen,
			 BOOTINFO_CMDLINE_MAX);
		return -E2BIG;
	}
	if (req->nr_modules > BOOTINFO_MAX_MODULES) {
		snprintf(err, errlen, "too many modules (%u, at most %d)", req->nr_modules,
			 BOOTINFO_MAX_MODULES);
		return -E2BIG;
	}
	return 0;
}

/* Takes size bytes (page-rounded, at least one page) below *top, staying
 * above the kernel's end; false if they do not fit. */
static bool take(uint64_t *top, uint64_t size, uint64_t floor)
{
	uint64_t n = page_up(size ? size : 1);

	if (n < size || *top < n || *top - n < floor)
		return false;
	*top -= n;
	return true;
}

static unsigned memmap_entries(const struct hv_mem *mem, const struct bootinfo_req *req)
{
	return mem->nr_ranges + (bootinfo_reserved_pages(req) ? 1 : 0);
}

/* RAM ranges in address order; with the xenstore and/or console page the
 * first range loses its last page(s) to one reserved entry right after it. */
static void memmap_fill(const struct hv_mem *mem, const struct bootinfo_req *req,
			struct hvm_memmap_table_entry *map)
{
	unsigned n = 0;

	for (unsigned i = 0; i < mem->nr_ranges; i++) {
		map[n++] = (struct hvm_memmap_table_entry){ .addr = mem->ranges[i].gpa,
							    .size = mem->ranges[i].size,
							    .type = XEN_HVM_MEMMAP_TYPE_RAM };
		if (i == 0 && bootinfo_reserved_pages(req)) {
			uint64_t k = bootinfo_reserved_pages(req) * (uint64_t)HV_PAGE_SIZE;

			map[0].size -= k;
			map[n++] = (struct hvm_memmap_table_entry){
				.addr = map[0].addr + map[0].size,
				.size = k,
				.type = XEN_HVM_MEMMAP_TYPE_RESERVED };
		}
	}
}

static void write_info(const struct hv_mem *mem, const struct bootinfo_req *req,
		       const struct bootinfo_result *res, uint64_t at, const char *cmdline,
		       size_t cmdlen)
{
	unsigned nr_map = memmap_entries(mem, req);
	uint64_t mm = at + sizeof(struct hvm_start_info);
	uint64_t ml = mm + nr_map * sizeof(struct hvm_memmap_table_entry);
	uint64_t cl = ml + req->nr_modules * sizeof(struct hvm_modlist_entry);
	struct hvm_memmap_table_entry map[HV_MEM_MAX_RANGES + 1];
	struct hvm_start_info si = {
		.magic = XEN_HVM_START_MAGIC_VALUE,
		.version = 1,
		.nr_modules = req->nr_modules,
		.modlist_paddr = req->nr_modules ? ml : 0,
		.cmdline_paddr = cl,
		.memmap_paddr = mm,
		.memmap_entries = nr_map,
	};

	memcpy(gmem_gpa_ptr(mem, at, sizeof(si)), &si, sizeof(si));
	memmap_fill(mem, req, map);
	memcpy(gmem_gpa_ptr(mem, mm, nr_map * sizeof(map[0])), map, nr_map * sizeof(map[0]));
	for (unsigned i = 0; i < req->nr_modules; i++) {
		struct hvm_modlist_entry e = { .paddr = res->module_gpa[i],
					       .size = req->modules[i].size };
		memcpy(gmem_gpa_ptr(mem, ml + i * sizeof(e), sizeof(e)), &e, sizeof(e));
	}
	memcpy(gmem_gpa_ptr(mem, cl, cmdlen + 1), cmdline, cmdlen + 1);
}

int bootinfo_build(const struct hv_mem *mem, const struct bootinfo_req *req,
		   struct bootinfo_result *res, char *err, size_t errlen)
{
	const char *cmdline = req->cmdline ? req->cmdline : "";
	size_t cmdlen = strlen(cmdline);
	uint64_t end = mem->ranges[0].gpa + mem->ranges[0].size, top = end;
	/* Everything goes above the kernel (or above 0 if the kernel is
	 * higher up, e.g. in the second range). */
	uint64_t floor = req->kernel_hi <= end ? req->kernel_hi : 0;
	uint64_t info = sizeof(struct hvm_start_info) +
			memmap_entries(mem, req) * sizeof(struct hvm_memmap_table_entry) +
			req->nr_modules * sizeof(struct hvm_modlist_entry) + cmdlen + 1;
	int r = check_request(req, cmdlen, err, errlen);

	if (r)
		return r;
	memset(res, 0, sizeof(*res));
	if (req->store_page) {
		if (!take(&top, HV_PAGE_SIZE, floor))
			goto nomem;
		res->store_gpa = top;
		memset(gmem_gpa_ptr(mem, top, HV_PAGE_SIZE), 0, HV_PAGE_SIZE);
	}
	if (req->console_page) { /* console: right below the store page */
		if (!take(&top, HV_PAGE_SIZE, floor))
			goto nomem;
		res->console_gpa = top;
		memset(gmem_gpa_ptr(mem, top, HV_PAGE_SIZE), 0, HV_PAGE_SIZE);
	}
	for (unsigned i = 0; i < req->nr_modules; i++) {
		if (!take(&top, req->modules[i].size, floor))
			goto nomem;
		res->module_gpa[i] = top;
	}
	if (!take(&top, info, floor))
		goto nomem;
	res->start_info = top;
	for (unsigned i = 0; i < req->nr_modules; i++)
		if (req->modules[i].size)
			memcpy(gmem_gpa_ptr(mem, res->module_gpa[i], req->modules[i].size),
		       req->modules[i].data, req->modules[i].size);
	write_info(mem, req, res, top, cmdline, cmdlen);
	return 0;
nomem:
	snprintf(err, errlen,
		 "not enough memory: the kernel ends at 0x%llx and the boot information and %u "
		 "module(s) do not fit between it and 0x%llx",
		 (unsigned long long)req->kernel_hi, req->nr_modules, (unsigned long long)end);
	return -ENOMEM;
}
