/* hd_config.c: domain configurations: validation of the canonical JSON form
 * (which xl.cfg is converted to) into struct hd_config, and back. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hd_cfg.h"

static const char *const known[] = {
	"name", "memory", "maxmem", "vcpus", "kernel", "ramdisk", "cmdline", "disk", "vif",
	"on_poweroff", "on_reboot", "on_crash", "xenstore", NULL,
};

static int validate(const struct src *s, json_object *o, const char *base, struct hd_config *c,
		    struct hd_cfg_error *err)
{
	uint64_t mem, maxmem, vcpus;
	json_object *v;
	int r;

	if (!json_object_is_type(o, json_type_object))
		return hd_cfg_fail(s, err, "", "a configuration is a JSON object");
	json_object_object_foreach(o, key, val) {
		bool ok = false;

		(void)val;
		for (int i = 0; known[i]; i++)
			ok |= !strcmp(known[i], key);
		if (!ok)
			return hd_cfg_fail(s, err, key, "unknown field");
	}
	memset(c, 0, sizeof(*c));
	if ((r = hd_cfg_string(s, o, "name", c->name, sizeof(c->name), true, err)))
		return r;
	if (!c->name[0] || strspn(c->name, "0123456789") == strlen(c->name))
		return hd_cfg_fail(s, err, "name", "must not be empty or all digits");
	for (const char *p = c->name; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && !strchr("-_.", *p))
			return hd_cfg_fail(s, err, "name", "only letters, digits, '-', '_', '.'");
	if ((r = hd_cfg_uint(s, o, "memory", 2, MAX_MEM_MIB, 0, true, &mem, err)) ||
	    (r = hd_cfg_uint(s, o, "maxmem", 2, MAX_MEM_MIB, mem, false, &maxmem, err)) ||
	    (r = hd_cfg_uint(s, o, "vcpus", 1, 8, 1, false, &vcpus, err)))
		return r;
	if (maxmem < mem)
		return hd_cfg_fail(s, err, "maxmem", "smaller than memory (%llu MiB)",
			    (unsigned long long)mem);
	c->memory = mem * MIB;
	c->maxmem = maxmem * MIB;
	c->vcpus = (unsigned)vcpus;
	if ((r = hd_cfg_path(s, o, "kernel", base, c->kernel, true, err)) ||
	    (r = hd_cfg_path(s, o, "ramdisk", base, c->ramdisk, false, err)) ||
	    (r = hd_cfg_string(s, o, "cmdline", c->cmdline, sizeof(c->cmdline), false, err)) ||
	    (r = hd_cfg_specs(s, o, "disk", c->disks, &c->nr_disks, err)) ||
	    (r = hd_cfg_specs(s, o, "vif", c->vifs, &c->nr_vifs, err)) ||
	    (r = hd_cfg_action(s, o, "on_poweroff", HD_ACT_DESTROY, &c->on_poweroff, err)) ||
	    (r = hd_cfg_action(s, o, "on_reboot", HD_ACT_RESTART, &c->on_reboot, err)) ||
	    (r = hd_cfg_action(s, o, "on_crash", HD_ACT_DESTROY, &c->on_crash, err)))
		return r;
	c->xenstore = true;
	if (json_object_object_get_ex(o, "xenstore", &v) && v) {
		if (!json_object_is_type(v, json_type_boolean))
			return hd_cfg_fail(s, err, "xenstore", "must be true or false");
		c->xenstore = json_object_get_boolean(v);
	}
	return 0;
}

int hd_config_from_json(json_object *o, const char *text, const char *base_dir,
			struct hd_config *c, struct hd_cfg_error *err)
{
	struct src s = { .text = text };

	memset(err, 0, sizeof(*err));
	return validate(&s, o, base_dir, c, err);
}

int hd_config_parse(const char *text, const char *base_dir, struct hd_config *c,
		    struct hd_cfg_error *err)
{
	const char *p = text + strspn(text, " \t\r\n");
	struct src s = { .text = text };
	json_object *o, *lines = NULL;
	int r;

	memset(err, 0, sizeof(*err));
	if (*p == '{') {
		json_tokener *tok = json_tokener_new();
		int line = 1;

		o = json_tokener_parse_ex(tok, text, (int)strlen(text));
		if (!o || text[json_tokener_get_parse_end(tok) +
			     strspn(text + json_tokener_get_parse_end(tok), " \t\r\n")]) {
			size_t end = json_tokener_get_parse_end(tok);

			for (size_t i = 0; i < end && text[i]; i++)
				line += text[i] == '\n';
			err->line = line;
			enum json_tokener_error je = json_tokener_get_error(tok);

			snprintf(err->msg, sizeof(err->msg), "JSON: %s",
				 o ? "trailing data after the object"
				 : je == json_tokener_continue ? "unexpected end of the text"
							       : json_tokener_error_desc(je));
			json_object_put(o);
			json_tokener_free(tok);
			return -EINVAL;
		}
		json_tokener_free(tok);
	} else {
		r = hd_xlcfg_to_json(text, &o, &lines, err);
		if (r)
			return r;
		s.text = NULL;
		s.lines = lines;
	}
	r = validate(&s, o, base_dir, c, err);
	json_object_put(o);
	json_object_put(lines);
	return r;
}

json_object *hd_config_to_json(const struct hd_config *c)
{
	json_object *o = json_object_new_object(), *d = json_object_new_array(),
		    *v = json_object_new_array();

	json_object_object_add(o, "name", json_object_new_string(c->name));
	json_object_object_add(o, "memory", json_object_new_int64((int64_t)(c->memory / MIB)));
	json_object_object_add(o, "maxmem", json_object_new_int64((int64_t)(c->maxmem / MIB)));
	json_object_object_add(o, "vcpus", json_object_new_int((int)c->vcpus));
	json_object_object_add(o, "kernel", json_object_new_string(c->kernel));
	if (c->ramdisk[0])
		json_object_object_add(o, "ramdisk", json_object_new_string(c->ramdisk));
	json_object_object_add(o, "cmdline", json_object_new_string(c->cmdline));
	for (unsigned i = 0; i < c->nr_disks; i++)
		json_object_array_add(d, json_object_new_string(c->disks[i]));
	for (unsigned i = 0; i < c->nr_vifs; i++)
		json_object_array_add(v, json_object_new_string(c->vifs[i]));
	json_object_object_add(o, "disk", d);
	json_object_object_add(o, "vif", v);
	json_object_object_add(o, "on_poweroff", json_object_new_string(hd_action_name(c->on_poweroff)));
	json_object_object_add(o, "on_reboot", json_object_new_string(hd_action_name(c->on_reboot)));
	json_object_object_add(o, "on_crash", json_object_new_string(hd_action_name(c->on_crash)));
	json_object_object_add(o, "xenstore", json_object_new_boolean(c->xenstore));
	return o;
}
