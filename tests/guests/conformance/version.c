/* version.c: xen_version sub-ops, good and bad buffers. */
#include "chapters.h"

static char big[1024 + 1];

static void check_strings(void)
{
	char extra[XEN_EXTRAVERSION_LEN + 1] = { 0 };
	struct xen_compile_info ci;
	char changeset[XEN_CHANGESET_INFO_LEN];

	conf_check("xen_version.version", pvabi_xen_version(XENVER_version, NULL));
	conf_check("xen_version.extraversion", pvabi_xen_version(XENVER_extraversion, extra));
	conf_check_str("xen_version.extraversion_str", extra);
	conf_check("xen_version.compile_info", pvabi_xen_version(XENVER_compile_info, &ci));
	memset(big, 0, sizeof(big));
	conf_check("xen_version.capabilities", pvabi_xen_version(XENVER_capabilities, big));
	conf_check_str("xen_version.capabilities_str", big);
	conf_check("xen_version.changeset", pvabi_xen_version(XENVER_changeset, changeset));
}

static void check_structs(void)
{
	struct xen_platform_parameters pp = { 0 };
	struct xen_feature_info fi = { .submap_idx = 0 };
	uint8_t handle[XEN_GUEST_HANDLE_LEN] = { 0 };
	uint32_t build_id[16] = { sizeof(build_id) - sizeof(uint32_t) };
	int nonzero = 0;

	conf_check("xen_version.platform_parameters",
		   pvabi_xen_version(XENVER_platform_parameters, &pp));
	conf_check_hex("xen_version.virt_start", pp.virt_start);
	conf_check("xen_version.get_features", pvabi_xen_version(XENVER_get_features, &fi));
	conf_check("xen_version.features", fi.submap);
	fi = (struct xen_feature_info){ .submap_idx = 1 };
	conf_check("xen_version.get_features_bad_submap",
		   pvabi_xen_version(XENVER_get_features, &fi));
	conf_check("xen_version.pagesize", pvabi_xen_version(XENVER_pagesize, NULL));
	conf_check("xen_version.guest_handle", pvabi_xen_version(XENVER_guest_handle, handle));
	for (size_t i = 0; i < sizeof(handle); i++)
		nonzero |= handle[i] != 0;
	conf_check("xen_version.guest_handle_nonzero", nonzero);
	conf_check("xen_version.commandline", pvabi_xen_version(XENVER_commandline, big));
	conf_check("xen_version.build_id", pvabi_xen_version(XENVER_build_id, build_id));
	conf_check("xen_version.unknown", pvabi_xen_version(99, big));
}

static void check_bad_buffers(void)
{
	conf_check("xen_version.bad_pointer", pvabi_xen_version(XENVER_extraversion, CONF_UNMAPPED));
	conf_check("xen_version.readonly_buffer",
		   pvabi_xen_version(XENVER_extraversion, CONF_WIN_RO));
	conf_check("xen_version.crosses_into_readonly",
		   pvabi_xen_version(XENVER_extraversion, CONF_WIN_RO - 8));
}

void conf_version(void)
{
	check_strings();
	check_structs();
	check_bad_buffers();
}
