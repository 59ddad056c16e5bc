/* test_disk_format.c: only raw disk images are accepted: any other format
 * (qcow2, vhd, ...) is refused when the configuration is validated, with
 * the line and field named, in xl.cfg and JSON alike. */
#include <criterion/criterion.h>
#include <string.h>

#define HD_CONFIG_ONLY
#include "hd.h"

static struct hd_config c;
static struct hd_cfg_error e;

Test(disk_format, spec_check_refuses_non_raw)
{
	static const char *const bad[] = {
	    "format=qcow2, vdev=xvda, access=rw, target=/img/a.qcow2",
	    "/img/a.qcow2,qcow2,xvda,rw",
	    "/img/a.qcow,qcow,xvda",
	    "format=vhd, vdev=xvdb, target=/img/b.vhd",
	    "format=qed, vdev=xvdc, target=/img/c.qed",
	};
	char m[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_neq(hd_disk_spec_check(bad[i], m, sizeof(m)), 0, "%s accepted", bad[i]);
		cr_assert(strstr(m, "format=") && strstr(m, "only raw"), "%s: %s", bad[i], m);
	}
	cr_assert_eq(hd_disk_spec_check("format=raw, vdev=xvda, target=/img/a", m, sizeof(m)), 0,
		     "%s", m);
	cr_assert_eq(hd_disk_spec_check("/img/a,,xvda", m, sizeof(m)), 0, "%s",
		     m); /* default raw */
}

Test(disk_format, xl_cfg_names_line_and_field)
{
	const char *t = "name = \"q\"\nmemory = 64\nkernel = \"/k\"\n"
			"disk = [ 'format=raw, vdev=xvda, target=/img/a',\n"
			"         'format=qcow2, vdev=xvdb, target=/img/b.qcow2' ]\n";

	cr_assert_neq(hd_config_parse(t, NULL, &c, &e), 0);
	cr_assert_str_eq(e.field, "disk");
	cr_assert_eq(e.line, 4, "line %d", e.line);
	cr_assert(strstr(e.msg, "entry 1") && strstr(e.msg, "qcow2"), "%s", e.msg);
}

Test(disk_format, json_names_line_and_field)
{
	const char *t = "{\"name\": \"q\",\n\"memory\": 64,\n\"kernel\": \"/k\",\n"
			"\"disk\": [\"/img/a.qcow2,qcow2,xvda\"]}";

	cr_assert_neq(hd_config_parse(t, NULL, &c, &e), 0);
	cr_assert_str_eq(e.field, "disk");
	cr_assert_eq(e.line, 4, "line %d", e.line);
	cr_assert(strstr(e.msg, "qcow2"), "%s", e.msg);
}
