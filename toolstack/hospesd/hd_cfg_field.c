/* hd_cfg_field.c: typed, checked configuration fields: strings, bounded
 * integers, actions, paths, device specs; errors carry line and field. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hd_cfg.h"

int hd_cfg_line(const struct src *s, const char *field)
{
	json_object *l;
	char pat[48];
	const char *p;
	int line = 1;

	if (s->lines && json_object_object_get_ex(s->lines, field, &l))
		return json_object_get_int(l);
	if (!s->text)
		return 0;
	snprintf(pat, sizeof(pat), "\"%s\"", field);
	p = strstr(s->text, pat);
	if (!p)
		return 0;
	for (const char *q = s->text; q < p; q++)
		line += *q == '\n';
	return line;
}

int hd_cfg_fail(const struct src *s, struct hd_cfg_error *err, const char *field,
		const char *fmt, ...)
{
	va_list ap;

	err->line = hd_cfg_line(s, field);
	snprintf(err->field, sizeof(err->field), "%s", field);
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

const char *hd_action_name(enum hd_action a)
{
	return a == HD_ACT_RESTART ? "restart" : a == HD_ACT_PRESERVE ? "preserve" : "destroy";
}

int hd_cfg_string(const struct src *s, json_object *o, const char *k, char *out,
		      size_t len, bool required, struct hd_cfg_error *err)
{
	json_object *v;
	const char *str;

	if (!json_object_object_get_ex(o, k, &v) || !v) {
		if (required)
			return hd_cfg_fail(s, err, k, "missing (required)");
		out[0] = 0;
		return 0;
	}
	if (!json_object_is_type(v, json_type_string))
		return hd_cfg_fail(s, err, k, "must be a string");
	str = json_object_get_string(v);
	if (strlen(str) >= len)
		return hd_cfg_fail(s, err, k, "longer than %zu bytes", len - 1);
	if ((size_t)json_object_get_string_len(v) != strlen(str))
		return hd_cfg_fail(s, err, k, "contains a NUL byte");
	strcpy(out, str);
	return 0;
}

/* An integer field: absent -> def (or error if required). */
int hd_cfg_uint(const struct src *s, json_object *o, const char *k, uint64_t min,
		    uint64_t max, uint64_t def, bool required, uint64_t *out,
		    struct hd_cfg_error *err)
{
	json_object *v;
	int64_t n;

	if (!json_object_object_get_ex(o, k, &v) || !v) {
		if (required)
			return hd_cfg_fail(s, err, k, "missing (required)");
		*out = def;
		return 0;
	}
	if (!json_object_is_type(v, json_type_int))
		return hd_cfg_fail(s, err, k, "must be an integer");
	n = json_object_get_int64(v);
	if (n < 0 || (uint64_t)n < min || (uint64_t)n > max)
		return hd_cfg_fail(s, err, k, "must be between %llu and %llu", (unsigned long long)min,
			    (unsigned long long)max);
	*out = (uint64_t)n;
	return 0;
}

int hd_cfg_action(const struct src *s, json_object *o, const char *k, enum hd_action def,
		      enum hd_action *out, struct hd_cfg_error *err)
{
	char buf[32];
	int r = hd_cfg_string(s, o, k, buf, sizeof(buf), false, err);

	if (r)
		return r;
	if (!buf[0])
		*out = def;
	else if (!strcmp(buf, "destroy"))
		*out = HD_ACT_DESTROY;
	else if (!strcmp(buf, "restart"))
		*out = HD_ACT_RESTART;
	else if (!strcmp(buf, "preserve"))
		*out = HD_ACT_PRESERVE;
	else
		return hd_cfg_fail(s, err, k, "'%s': must be destroy, restart or preserve", buf);
	return 0;
}

int hd_cfg_path(const struct src *s, json_object *o, const char *k, const char *base,
		    char *out, bool required, struct hd_cfg_error *err)
{
	char tmp[HD_PATH_MAX];
	int r = hd_cfg_string(s, o, k, tmp, sizeof(tmp), required, err);

	if (r || !tmp[0])
		return r ? r : (strcpy(out, ""), 0);
	/* hospesd's own working directory means nothing to the caller */
	if (tmp[0] != '/' && (!base || base[0] != '/'))
		return hd_cfg_fail(s, err, k, "relative path without an absolute base_dir");
	if (tmp[0] != '/') {
		if ((size_t)snprintf(out, HD_PATH_MAX, "%s/%s", base, tmp) >= HD_PATH_MAX)
			return hd_cfg_fail(s, err, k, "path too long");
	} else {
		strcpy(out, tmp);
	}
	return 0;
}

int hd_cfg_specs(const struct src *s, json_object *o, const char *k,
		     char specs[][HD_SPEC_MAX], unsigned *n, struct hd_cfg_error *err)
{
	json_object *v;
	char msg[128];

	*n = 0;
	if (!json_object_object_get_ex(o, k, &v) || !v)
		return 0;
	if (!json_object_is_type(v, json_type_array))
		return hd_cfg_fail(s, err, k, "must be a list of strings");
	if (json_object_array_length(v) > HD_MAX_DEVS)
		return hd_cfg_fail(s, err, k, "at most %d entries", HD_MAX_DEVS);
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		json_object *e = json_object_array_get_idx(v, i);
		const char *str;

		if (!json_object_is_type(e, json_type_string))
			return hd_cfg_fail(s, err, k, "entry %zu: must be a string", i);
		str = json_object_get_string(e);
		if (strlen(str) >= HD_SPEC_MAX)
			return hd_cfg_fail(s, err, k, "entry %zu: too long", i);
		if ((strcmp(k, "disk") ? hd_vif_spec_check : hd_disk_spec_check)(str, msg,
										sizeof(msg)))
			return hd_cfg_fail(s, err, k, "entry %zu '%s': %s", i, str, msg);
		strcpy(specs[(*n)++], str);
	}
	return 0;
}
