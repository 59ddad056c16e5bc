/* test_config.c: hospesd's domain configurations: JSON and xl.cfg parsing,
 * validation errors naming line and field, device specs, round trip. */
#include <criterion/criterion.h>
#include <string.h>

#define HD_CONFIG_ONLY
#include "hd.h"

static struct hd_config c;
static struct hd_cfg_error e;

Test(config, json_full)
{
	const char *t = "{\n \"name\": \"web1\",\n \"memory\": 64,\n \"maxmem\": 128,\n"
			" \"vcpus\": 2,\n \"kernel\": \"nido.elf\",\n \"cmdline\": \"a=b\",\n"
			" \"disk\": [\"/img/a.raw,raw,xvda,rw\"],\n \"vif\": [\"mac=00:16:3e:00:00:01,bridge=br0\"],\n"
			" \"on_poweroff\": \"preserve\", \"on_reboot\": \"destroy\", \"on_crash\": \"restart\",\n"
			" \"xenstore\": false }\n";

	cr_assert_eq(hd_config_parse(t, "/base", &c, &e), 0, "%d %s %s", e.line, e.field, e.msg);
	cr_assert_str_eq(c.name, "web1");
	cr_assert_eq(c.memory, 64ull << 20);
	cr_assert_eq(c.maxmem, 128ull << 20);
	cr_assert_eq(c.vcpus, 2);
	cr_assert_str_eq(c.kernel, "/base/nido.elf");
	cr_assert_str_eq(c.cmdline, "a=b");
	cr_assert_eq(c.nr_disks, 1);
	cr_assert_eq(c.nr_vifs, 1);
	cr_assert_eq(c.on_poweroff, HD_ACT_PRESERVE);
	cr_assert_eq(c.on_reboot, HD_ACT_DESTROY);
	cr_assert_eq(c.on_crash, HD_ACT_RESTART);
	cr_assert_eq(c.xenstore, false);
}

Test(config, json_defaults_and_roundtrip)
{
	struct hd_config d;
	json_object *o;

	cr_assert_eq(hd_config_parse("{\"name\":\"a\",\"memory\":32,\"kernel\":\"/k\"}", NULL, &c, &e), 0);
	cr_assert_eq(c.maxmem, c.memory);
	cr_assert_eq(c.vcpus, 1);
	cr_assert_eq(c.on_poweroff, HD_ACT_DESTROY);
	cr_assert_eq(c.on_reboot, HD_ACT_RESTART);
	cr_assert_eq(c.on_crash, HD_ACT_DESTROY);
	cr_assert(c.xenstore);
	o = hd_config_to_json(&c);
	cr_assert_eq(hd_config_from_json(o, NULL, NULL, &d, &e), 0, "%s", e.msg);
	cr_assert_eq(memcmp(&c, &d, sizeof(c)), 0);
	json_object_put(o);
}

struct bad {
	const char *text;
	int line;
	const char *field;
};

Test(config, json_errors_name_line_and_field)
{
	static const struct bad cases[] = {
		{ "{\n\"name\": \"a\",\n\"kernel\": \"/k\"\n}", 0, "memory" },
		{ "{\n\"name\": \"a\",\n\"memory\": \"64\",\n\"kernel\": \"/k\"}", 3, "memory" },
		{ "{\n\"name\": \"a\",\n\"memory\": 1,\n\"kernel\": \"/k\"}", 3, "memory" },
		{ "{\"name\": \"a\",\n\"memory\": 64,\n\"maxmem\": 32,\n\"kernel\": \"/k\"}", 3, "maxmem" },
		{ "{\"name\": \"a\",\n\"memory\": 64,\n\"vcpus\": 9,\n\"kernel\": \"/k\"}", 3, "vcpus" },
		{ "{\"name\": \"123\",\n\"memory\": 64,\n\"kernel\": \"/k\"}", 1, "name" },
		{ "{\"name\": \"a b\",\n\"memory\": 64,\n\"kernel\": \"/k\"}", 1, "name" },
		{ "{\"name\": \"a\",\n\"memory\": 64,\n\"kernel\": \"/k\",\n\"colour\": 1}", 4, "colour" },
		{ "{\"name\": \"a\",\n\"memory\": 64,\n\"kernel\": \"/k\",\n\"on_crash\": \"coredump\"}", 4, "on_crash" },
		{ "{\"name\": \"a\",\n\"memory\": 64,\n\"kernel\": \"/k\",\n\"disk\": [\"/x,raw,vda\"]}", 4, "disk" },
		{ "{\"name\": \"a\",\n\"memory\": 64,\n\"kernel\": \"/k\",\n\"vif\": [\"mac=01:00:00:00:00:01\"]}", 4, "vif" },
		{ "{\"name\": \"a\",\n\"memory\": 64,\n\"kernel\": \"/k\",\n\"xenstore\": 1}", 4, "xenstore" },
		{ "{\"name\": \"a\",\n\"memory\": 64,\n\"kernel\": \"k.elf\"}", 3, "kernel" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_neq(hd_config_parse(cases[i].text, NULL, &c, &e), 0, "case %zu", i);
		cr_expect_str_eq(e.field, cases[i].field, "case %zu: %s", i, e.msg);
		if (cases[i].line)
			cr_expect_eq(e.line, cases[i].line, "case %zu: line %d", i, e.line);
	}
}

Test(config, json_syntax_error_line)
{
	cr_assert_neq(hd_config_parse("{\n\"name\": \"a\",\n\"memory\": 64,,\n}", NULL, &c, &e), 0);
	cr_assert_eq(e.line, 3, "line %d", e.line);
	cr_assert_neq(hd_config_parse("{\"name\": \"a\"} x", NULL, &c, &e), 0);
	cr_assert_str_eq(e.msg, "JSON: trailing data after the object");
	cr_assert_neq(hd_config_parse("{\n\"name\": \"a\",\n", NULL, &c, &e), 0);
	cr_assert_str_eq(e.msg, "JSON: unexpected end of the text");
	cr_assert_neq(hd_config_parse("[1]", NULL, &c, &e), 0);
	cr_assert_neq(hd_config_parse("", NULL, &c, &e), 0);
}

Test(config, xl_full)
{
	const char *t = "# a comment\n"
			"name = \"xl1\"\n"
			"type = 'pvh'\n"
			"memory = 96 ; \n"
			"maxmem = 0x80\n"
			"vcpus = 4\n"
			"kernel = \"k.elf\"   # trailing comment\n"
			"ramdisk = \"/boot/initrd\"\n"
			"root = \"/dev/xvda1\"\n"
			"extra = \"console=hvc0\"\n"
			"disk = [ 'format=raw, vdev=xvda, access=rw, target=/img/a,b.raw',\n"
			"         '/img/c.raw,,xvdb,ro', ]\n"
			"vif = [ 'mac=00:16:3e:01:02:03, bridge=xenbr0' ]\n"
			"on_poweroff = \"destroy\"\non_reboot = \"restart\"\non_crash = \"preserve\"\n";

	cr_assert_eq(hd_config_parse(t, "/etc/hospes", &c, &e), 0, "%d %s %s", e.line, e.field, e.msg);
	cr_assert_str_eq(c.name, "xl1");
	cr_assert_eq(c.memory, 96ull << 20);
	cr_assert_eq(c.maxmem, 128ull << 20);
	cr_assert_eq(c.vcpus, 4);
	cr_assert_str_eq(c.kernel, "/etc/hospes/k.elf");
	cr_assert_str_eq(c.ramdisk, "/boot/initrd");
	cr_assert_str_eq(c.cmdline, "root=/dev/xvda1 console=hvc0");
	cr_assert_eq(c.nr_disks, 2);
	cr_assert_str_eq(c.disks[0], "format=raw, vdev=xvda, access=rw, target=/img/a,b.raw");
	cr_assert_eq(c.nr_vifs, 1);
	cr_assert_eq(c.on_crash, HD_ACT_PRESERVE);
}

Test(config, xl_errors_name_line_and_field)
{
	static const struct bad cases[] = {
		{ "name = \"a\"\nmemory = 64\nkernel = \"/k\"\nvcpus = \"two\"\n", 4, "vcpus" },
		{ "name = \"a\"\nmemory = 64\nkernel = \"/k\"\nbogus = 1\n", 4, "bogus" },
		{ "name = \"a\"\nmemory = 64\nkernel = \"/k\nvcpus = 1\n", 3, "kernel" },
		{ "name = \"a\"\nmemory = 64x\nkernel = \"/k\"\n", 2, "memory" },
		{ "name = \"a\"\nmemory = 64\nmemory = 65\nkernel = \"/k\"\n", 3, "memory" },
		{ "name = \"a\"\nmemory = 64\nkernel = \"/k\"\ndisk = [ '/x,raw,xvda,rx' ]\n", 4, "disk" },
		{ "name = \"a\"\nmemory = 64\nkernel = \"/k\"\ndisk = [ '/x'\n", 4, "disk" },
		{ "name = \"a\"\nmemory = 64\nkernel = \"/k\"\ntype = \"hvm\"\n", 4, "type" },
		{ "name = \"a\"\nkernel = \"/k\"\n", 0, "memory" },
		{ "name \"a\"\n", 1, "name" },
		{ "name = \"a\" junk\n", 1, "name" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_neq(hd_config_parse(cases[i].text, NULL, &c, &e), 0, "case %zu", i);
		cr_expect_str_eq(e.field, cases[i].field, "case %zu: %s", i, e.msg);
		cr_expect_eq(e.line, cases[i].line, "case %zu: line %d (%s)", i, e.line, e.msg);
	}
}

Test(config, device_specs)
{
	char m[128];

	cr_assert_eq(hd_disk_spec_check("/img/a.raw,raw,xvda,rw", m, sizeof(m)), 0, "%s", m);
	cr_assert_eq(hd_disk_spec_check("vdev=xvdb, target=/img/x", m, sizeof(m)), 0, "%s", m);
	cr_assert_eq(hd_disk_spec_check("vdev=hdc, devtype=cdrom", m, sizeof(m)), 0, "%s", m);
	cr_assert_neq(hd_disk_spec_check("/img/a.raw,raw", m, sizeof(m)), 0);
	cr_assert_neq(hd_disk_spec_check("/img/a.raw,vmdk,xvda", m, sizeof(m)), 0);
	cr_assert_neq(hd_disk_spec_check("/a,raw,xvda,rw,extra", m, sizeof(m)), 0);
	cr_assert_neq(hd_disk_spec_check("vdev=xvda", m, sizeof(m)), 0);
	cr_assert_neq(hd_disk_spec_check("colour=red,vdev=xvda,target=/x", m, sizeof(m)), 0);
	cr_assert_eq(hd_vif_spec_check("", m, sizeof(m)), 0);
	cr_assert_eq(hd_vif_spec_check("bridge=br0, mac=00:16:3E:aa:bb:cc", m, sizeof(m)), 0, "%s", m);
	cr_assert_neq(hd_vif_spec_check("mac=00:16:3e:aa:bb", m, sizeof(m)), 0);
	cr_assert_neq(hd_vif_spec_check("mac=00:16:3e:aa:bb:cc:", m, sizeof(m)), 0);
	cr_assert_neq(hd_vif_spec_check("bridge", m, sizeof(m)), 0);
	cr_assert_neq(hd_vif_spec_check("speed=10", m, sizeof(m)), 0);
}
