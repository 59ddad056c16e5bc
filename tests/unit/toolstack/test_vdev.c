/* test_vdev.c: disk specs for attaching (fields of both spec forms) and
 * Xen's virtual-device numbers for vdev names (API.md "Disks"). */
#include <criterion/criterion.h>
#include <string.h>

#define HD_CONFIG_ONLY
#include "hd.h"

Test(vdev, xen_numbers)
{
	cr_assert_eq(hd_vdev_devid("xvda"), 51712);
	cr_assert_eq(hd_vdev_devid("xvdb"), 51728);
	cr_assert_eq(hd_vdev_devid("xvdp"), (202 << 8) | (15 << 4));
	cr_assert_eq(hd_vdev_devid("xvdq"), (1L << 28) | (16 << 8)); /* extended form */
	cr_assert_eq(hd_vdev_devid("xvdaa"), (1L << 28) | (26 << 8));
	cr_assert_eq(hd_vdev_devid("sda"), 8 << 8);
	cr_assert_eq(hd_vdev_devid("sdc"), (8 << 8) | (2 << 4));
	cr_assert_eq(hd_vdev_devid("hda"), 3 << 8);
	cr_assert_eq(hd_vdev_devid("hdb"), (3 << 8) | 64);
	cr_assert_eq(hd_vdev_devid("hdc"), 22 << 8);
	cr_assert_eq(hd_vdev_devid("hdd"), (22 << 8) | 64);
	cr_assert_eq(hd_vdev_devid("hde"), -1);
	cr_assert_eq(hd_vdev_devid("sdq"), -1);
	cr_assert_eq(hd_vdev_devid("xvd"), -1);
	cr_assert_eq(hd_vdev_devid("xvdA"), -1);
	cr_assert_eq(hd_vdev_devid("vda"), -1);
}

Test(vdev, spec_fields)
{
	struct hd_disk k;
	char msg[128];

	cr_assert_eq(hd_disk_spec_parse("format=raw, vdev=xvdb, access=ro, target=/a,b.img", &k,
					msg, sizeof(msg)), 0, "%s", msg);
	cr_assert_str_eq(k.target, "/a,b.img");
	cr_assert_str_eq(k.vdev, "xvdb");
	cr_assert_str_eq(k.format, "raw");
	cr_assert(k.readonly);
	cr_assert_eq(hd_disk_spec_parse("/img,,xvda,rw", &k, msg, sizeof(msg)), 0, "%s", msg);
	cr_assert_str_eq(k.target, "/img");
	cr_assert_str_eq(k.vdev, "xvda");
	cr_assert_str_eq(k.format, "raw");
	cr_assert(!k.readonly);
	cr_assert_eq(hd_disk_spec_parse("/img,raw,xvda,r", &k, msg, sizeof(msg)), 0);
	cr_assert(k.readonly);
	cr_assert_neq(hd_disk_spec_parse("format=raw, target=/img", &k, msg, sizeof(msg)), 0);
	cr_assert(strstr(msg, "vdev"), "%s", msg);
}
