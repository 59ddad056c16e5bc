/* hc_version.c: xen_version (hypercall 17): version, build and feature
 * information about the hypervisor. */
#include <string.h>

#include <pvabi/errno.h>
#include <pvabi/version.h>

#include "hc.h"
#include "hv_version.h"

#ifndef HOSPES_CHANGESET
#define HOSPES_CHANGESET "unavailable"
#endif

/* Features a PVH domU sees. hvm_callback_vector: event-channel upcalls
 * by vector (SPEC.md §8.4); hvm_safe_pvclock: the PV clock and timers
 * (§9). */
#define HV_FEATURES                                                                             \
	((1u << XENFEAT_writable_page_tables) | (1u << XENFEAT_auto_translated_physmap) |       \
	 (1u << XENFEAT_hvm_callback_vector) | (1u << XENFEAT_hvm_safe_pvclock) |              \
	 (1u << XENFEAT_not_direct_mapped))

/* Copies the NUL-padded string s into a guest buffer of len bytes. */
static int64_t put_string(struct hv_vcpu *v, uint64_t gva, const char *s, size_t len)
{
	char buf[XEN_CAPABILITIES_INFO_LEN] = { 0 };

	strncpy(buf, s, len - 1);
	return gmem_copy_to_guest(v, gva, buf, len) ? -XEN_EFAULT : 0;
}

static void fill(char *dst, size_t len, const char *s)
{
	memset(dst, 0, len);
	strncpy(dst, s, len - 1);
}

static int64_t compile_info(struct hv_vcpu *v, uint64_t gva)
{
	struct xen_compile_info ci;

	fill(ci.compiler, sizeof(ci.compiler), "gcc " __VERSION__);
	fill(ci.compile_by, sizeof(ci.compile_by), "hospes");
	fill(ci.compile_domain, sizeof(ci.compile_domain), "");
	fill(ci.compile_date, sizeof(ci.compile_date), __DATE__);
	return gmem_copy_to_guest(v, gva, &ci, sizeof(ci)) ? -XEN_EFAULT : 0;
}

static int64_t get_features(struct hv_vcpu *v, uint64_t gva)
{
	struct xen_feature_info fi;

	if (gmem_copy_from_guest(v, &fi, gva, sizeof(fi)))
		return -XEN_EFAULT;
	if (fi.submap_idx >= XENFEAT_NR_SUBMAPS)
		return -XEN_EINVAL;
	fi.submap = HV_FEATURES;
	return gmem_copy_to_guest(v, gva, &fi, sizeof(fi)) ? -XEN_EFAULT : 0;
}

int64_t hc_xen_version(struct hv_vcpu *v, const uint64_t arg[PVABI_HYPERCALL_MAX_ARGS])
{
	uint64_t buf = arg[1];

	switch (arg[0]) {
	case XENVER_version:
		return HV_XEN_VERSION;
	case XENVER_extraversion:
		return put_string(v, buf, HV_XEN_EXTRAVERSION, XEN_EXTRAVERSION_LEN);
	case XENVER_compile_info:
		return compile_info(v, buf);
	case XENVER_capabilities:
		return put_string(v, buf, "hvm-3.0-x86_64", XEN_CAPABILITIES_INFO_LEN);
	case XENVER_changeset:
		return put_string(v, buf, HOSPES_CHANGESET, XEN_CHANGESET_INFO_LEN);
	case XENVER_platform_parameters: {
		struct xen_platform_parameters pp = { .virt_start = XEN_HYPERVISOR_VIRT_START };
		return gmem_copy_to_guest(v, buf, &pp, sizeof(pp)) ? -XEN_EFAULT : 0;
	}
	case XENVER_get_features:
		return get_features(v, buf);
	case XENVER_pagesize:
		return HV_PAGE_SIZE;
	case XENVER_guest_handle:
		return gmem_copy_to_guest(v, buf, v->dom->uuid, XEN_GUEST_HANDLE_LEN) ? -XEN_EFAULT : 0;
	case XENVER_commandline:
	case XENVER_build_id:
		return -XEN_EPERM; /* privileged in Xen */
	default:
		return -XEN_ENOSYS;
	}
}
