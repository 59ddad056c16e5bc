/* hd_cfg.h: typed, checked access to configuration fields (private to
 * hd_config.c and hd_cfg_field.c). Each getter fails with the field's line. */
#ifndef HOSPES_HD_CFG_H
#define HOSPES_HD_CFG_H

#define HD_CONFIG_ONLY
#include "hd.h"

#define MIB (1024ull * 1024)
#define MAX_MEM_MIB (512ull * 1024) /* hospes-hv's limit: 512G */

/* Where the error is: lines (xl.cfg: key -> line) or the first `"key"` in
 * the JSON text. */
struct src {
	const char *text;
	json_object *lines;
};

int hd_cfg_line(const struct src *s, const char *field);
int hd_cfg_fail(const struct src *s, struct hd_cfg_error *err, const char *field,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int hd_cfg_string(const struct src *s, json_object *o, const char *k, char *out, size_t len,
		  bool required, struct hd_cfg_error *err);
int hd_cfg_uint(const struct src *s, json_object *o, const char *k, uint64_t min, uint64_t max,
		uint64_t def, bool required, uint64_t *out, struct hd_cfg_error *err);
int hd_cfg_action(const struct src *s, json_object *o, const char *k, enum hd_action def,
		  enum hd_action *out, struct hd_cfg_error *err);
int hd_cfg_path(const struct src *s, json_object *o, const char *k, const char *base, char *out,
		bool required, struct hd_cfg_error *err);
int hd_cfg_specs(const struct src *s, json_object *o, const char *k, char specs[][HD_SPEC_MAX],
		 unsigned *n, struct hd_cfg_error *err);

#endif
