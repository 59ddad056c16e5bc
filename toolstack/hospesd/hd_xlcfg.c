/* hd_xlcfg.c: the common subset of xl.cfg -> the canonical JSON object.
 * Syntax: `key = value` per setting, value a "string" / 'string', an
 * integer, or a [list] of those that may span lines; '#' starts a comment;
 * a trailing ';' is allowed. Errors name the line and the key. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HD_CONFIG_ONLY
#include "hd.h"

struct lexer {
	const char *p;
	int line;
	int key_line; /* errors point at the setting's first line */
	struct hd_cfg_error *err;
};

static int lex_fail(struct lexer *lx, const char *field, const char *msg)
{
	lx->err->line = *field ? lx->key_line : lx->line;
	snprintf(lx->err->field, sizeof(lx->err->field), "%s", field);
	snprintf(lx->err->msg, sizeof(lx->err->msg), "%s", msg);
	return -EINVAL;
}

/* Skips blanks and comments; newlines only if nl. */
static void skip(struct lexer *lx, bool nl)
{
	for (;;) {
		if (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\r') {
			lx->p++;
		} else if (*lx->p == '#') {
			while (*lx->p && *lx->p != '\n')
				lx->p++;
		} else if (nl && *lx->p == '\n') {
			lx->line++;
			lx->p++;
		} else {
			return;
		}
	}
}

static int parse_string(struct lexer *lx, const char *key, json_object **out)
{
	char q = *lx->p++, buf[2048];
	size_t n = 0;

	while (*lx->p != q) {
		char ch = *lx->p++;

		if (!ch || ch == '\n')
			return lex_fail(lx, key, "unterminated string");
		if (ch == '\\' && q == '"') {
			ch = *lx->p++;
			if (ch == 'n')
				ch = '\n';
			else if (ch == 't')
				ch = '\t';
			else if (ch != '\\' && ch != '"' && ch != '\'')
				return lex_fail(lx, key, "unknown escape in string");
		}
		if (n + 1 >= sizeof(buf))
			return lex_fail(lx, key, "string too long");
		buf[n++] = ch;
	}
	lx->p++;
	buf[n] = 0;
	*out = json_object_new_string(buf);
	return 0;
}

static int parse_scalar(struct lexer *lx, const char *key, json_object **out)
{
	char *end;
	long long v;

	if (*lx->p == '"' || *lx->p == '\'')
		return parse_string(lx, key, out);
	if (!isdigit((unsigned char)*lx->p))
		return lex_fail(lx, key, "expected a string, a number or a list");
	errno = 0;
	v = strtoll(lx->p, &end, 0);
	if (errno || isalnum((unsigned char)*end) || *end == '.')
		return lex_fail(lx, key, "bad number");
	lx->p = end;
	*out = json_object_new_int64(v);
	return 0;
}

static int parse_value(struct lexer *lx, const char *key, json_object **out)
{
	json_object *list;
	int r;

	if (*lx->p != '[')
		return parse_scalar(lx, key, out);
	lx->p++;
	list = json_object_new_array();
	for (;;) {
		json_object *e;

		skip(lx, true);
		if (*lx->p == ']') {
			lx->p++;
			*out = list;
			return 0;
		}
		r = parse_scalar(lx, key, &e);
		if (r) {
			json_object_put(list);
			return r;
		}
		json_object_array_add(list, e);
		skip(lx, true);
		if (*lx->p == ',')
			lx->p++;
		else if (*lx->p != ']') {
			json_object_put(list);
			return lex_fail(lx, key, "expected ',' or ']' in list");
		}
	}
}

/* xl keys taken as they are, and keys folded into cmdline. */
static const char *const direct[] = {
	"name", "memory", "maxmem", "vcpus", "kernel", "ramdisk", "cmdline", "disk", "vif",
	"on_poweroff", "on_reboot", "on_crash", NULL,
};

static bool is_direct(const char *k)
{
	for (int i = 0; direct[i]; i++)
		if (!strcmp(direct[i], k))
			return true;
	return false;
}

static int fold(json_object *raw, json_object *out, json_object *lines, struct hd_cfg_error *err)
{
	json_object *v, *l;
	char cmd[HD_CMDLINE_MAX * 2] = "";

	json_object_object_foreach(raw, key, val) {
		if (is_direct(key)) {
			json_object_object_add(out, key, json_object_get(val));
			continue;
		}
		if (!strcmp(key, "type") || !strcmp(key, "extra") || !strcmp(key, "root")) {
			if (!json_object_is_type(val, json_type_string))
				goto bad_string;
			if (!strcmp(key, "type") && strcmp(json_object_get_string(val), "pvh")) {
				snprintf(err->msg, sizeof(err->msg), "only type = \"pvh\" is supported");
				goto fail;
			}
			continue;
		}
		snprintf(err->msg, sizeof(err->msg), "unknown or unsupported key");
		goto fail;
bad_string:
		snprintf(err->msg, sizeof(err->msg), "must be a string");
fail:
		json_object_object_get_ex(lines, key, &l);
		err->line = json_object_get_int(l);
		snprintf(err->field, sizeof(err->field), "%s", key);
		return -EINVAL;
	}
	if (json_object_object_get_ex(raw, "cmdline", &v))
		return 0;
	if (json_object_object_get_ex(raw, "root", &v))
		snprintf(cmd, sizeof(cmd), "root=%s", json_object_get_string(v));
	if (json_object_object_get_ex(raw, "extra", &v))
		snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), "%s%s", cmd[0] ? " " : "",
			 json_object_get_string(v));
	if (cmd[0]) {
		json_object_object_add(out, "cmdline", json_object_new_string(cmd));
		json_object_object_get_ex(lines, json_object_object_get_ex(raw, "extra", &v) ? "extra" : "root", &l);
		json_object_object_add(lines, "cmdline", json_object_get(l));
	}
	return 0;
}

int hd_xlcfg_to_json(const char *text, json_object **out, json_object **lines,
		     struct hd_cfg_error *err)
{
	struct lexer lx = { .p = text, .line = 1, .err = err };
	json_object *raw = json_object_new_object();
	int r = 0;

	*lines = json_object_new_object();
	for (;;) {
		char key[32];
		size_t n = 0;
		json_object *v;

		skip(&lx, true);
		if (!*lx.p)
			break;
		while (isalnum((unsigned char)lx.p[n]) || lx.p[n] == '_')
			n++;
		if (!n || n >= sizeof(key)) {
			r = lex_fail(&lx, "", "expected a setting `key = value`");
			break;
		}
		memcpy(key, lx.p, n);
		key[n] = 0;
		lx.p += n;
		if (json_object_object_get_ex(raw, key, NULL)) {
			lx.key_line = lx.line;
			r = lex_fail(&lx, key, "set twice");
			break;
		}
		lx.key_line = lx.line;
		json_object_object_add(*lines, key, json_object_new_int(lx.line));
		skip(&lx, false);
		if (*lx.p != '=') {
			r = lex_fail(&lx, key, "expected '='");
			break;
		}
		lx.p++;
		skip(&lx, false);
		r = parse_value(&lx, key, &v);
		if (r)
			break;
		json_object_object_add(raw, key, v);
		skip(&lx, false);
		if (*lx.p == ';')
			lx.p++;
		skip(&lx, false);
		if (*lx.p && *lx.p != '\n') {
			r = lex_fail(&lx, key, "unexpected text after the value");
			break;
		}
	}
	if (!r) {
		*out = json_object_new_object();
		r = fold(raw, *out, *lines, err);
		if (r)
			json_object_put(*out);
	}
	json_object_put(raw);
	if (r) {
		json_object_put(*lines);
		*lines = NULL;
	}
	return r;
}
