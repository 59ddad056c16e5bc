/* hd_devspec.c: validation of xl-style disk and vif specifications. They
 * are stored as written; the block and net backends attach them later. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HD_CONFIG_ONLY
#include "hd.h"

static bool in(const char *v, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(v, *set))
			return true;
	return false;
}

static void trim(char *s)
{
	size_t n = strlen(s), k = strspn(s, " \t");

	while (n > k && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	memmove(s, s + k, n - k);
	s[n - k] = 0;
}

static bool vdev_ok(const char *v)
{
	size_t p = !strncmp(v, "xvd", 3) ? 3 : (!strncmp(v, "hd", 2) || !strncmp(v, "sd", 2)) ? 2 : 0;
	size_t n = strlen(v);

	if (!p || n == p || n > p + 3)
		return false;
	for (size_t i = p; i < n; i++)
		if (v[i] < 'a' || v[i] > 'z')
			return false;
	return true;
}

int hd_disk_spec_parse(const char *spec, struct hd_disk *out, char *msg, size_t len)
{
	static const char *const formats[] = { "raw", "qcow", "qcow2", "vhd", "qed", NULL };
	static const char *const access[] = { "r", "ro", "w", "rw", NULL };
	static const char *const keys[] = { "format", "vdev", "access", "devtype", "backend",
					    "backendtype", "script", NULL };
	char buf[HD_SPEC_MAX], target[HD_SPEC_MAX] = "", format[32] = "raw", vdev[32] = "",
			       acc[8] = "rw";
	char *rest, *tok;
	unsigned pos = 0;
	bool cdrom = false;

	if (strlen(spec) >= sizeof(buf))
		return snprintf(msg, len, "too long"), -1;
	strcpy(buf, spec);
	/* target= takes the rest of the spec (a path may contain ','). */
	char *t = strstr(buf, "target=");

	if (t && (t == buf || t[-1] == ',' || t[-1] == ' ')) {
		snprintf(target, sizeof(target), "%s", t + 7);
		*t = 0;
	}
	/* strsep, not strtok: an empty positional field means "default". */
	for (rest = buf; (tok = strsep(&rest, ",")) != NULL;) {
		char *eq;

		trim(tok);
		eq = strchr(tok, '=');
		if (eq) {
			*eq = 0;
			trim(tok);
			char *val = eq + 1;

			trim(val);
			if (!in(tok, keys))
				return snprintf(msg, len, "unknown key '%s'", tok), -1;
			if (!strcmp(tok, "format"))
				snprintf(format, sizeof(format), "%s", val);
			else if (!strcmp(tok, "vdev"))
				snprintf(vdev, sizeof(vdev), "%s", val);
			else if (!strcmp(tok, "access"))
				snprintf(acc, sizeof(acc), "%s", val);
			else if (!strcmp(tok, "devtype"))
				cdrom = !strcmp(val, "cdrom");
			continue;
		}
		switch (pos++) {
		case 0: if (*tok) snprintf(target, sizeof(target), "%s", tok); break;
		case 1: if (*tok) snprintf(format, sizeof(format), "%s", tok); break;
		case 2: snprintf(vdev, sizeof(vdev), "%s", tok); break;
		case 3: if (*tok) snprintf(acc, sizeof(acc), "%s", tok); break;
		default: return snprintf(msg, len, "too many positional fields"), -1;
		}
	}
	if (!vdev[0])
		return snprintf(msg, len, "no vdev (e.g. xvda)"), -1;
	if (!vdev_ok(vdev))
		return snprintf(msg, len, "bad vdev '%s'", vdev), -1;
	if (!in(format, formats))
		return snprintf(msg, len, "unknown format '%s'", format), -1;
	if (!in(acc, access))
		return snprintf(msg, len, "access must be r, ro, w or rw"), -1;
	if (!target[0] && !cdrom)
		return snprintf(msg, len, "no target"), -1;
	/* block: the parsed fields for attaching it */
	if (out) {
		snprintf(out->target, sizeof(out->target), "%s", target);
		snprintf(out->format, sizeof(out->format), "%s", format);
		snprintf(out->vdev, sizeof(out->vdev), "%s", vdev);
		out->readonly = acc[0] == 'r' && acc[1] != 'w';
		out->cdrom = cdrom;
	}
	return 0;
}

/* block: vdev name -> Xen virtual-device number (API.md "Disks"). */
/* Bijective base 26 like xl: a=0 .. z=25, aa=26 ... */
static long letters(const char *s)
{
	long n = 0;

	for (; *s; s++) {
		if (*s < 'a' || *s > 'z')
			return -1;
		n = n * 26 + (*s - 'a' + 1);
	}
	return n - 1;
}

/* Xen's encoding: xvdX = 202<<8 | disk<<4 (disks 0..15), beyond that the
 * extended form 1<<28 | disk<<8; sdX = 8<<8 | disk<<4; hda..hdd = IDE
 * majors 3 and 22, minor 0 or 64. Partitions are not disks here. */
long hd_vdev_devid(const char *v)
{
	long n;

	if (!strncmp(v, "xvd", 3)) {
		n = letters(v + 3);
		if (n < 0 || !v[3])
			return -1;
		return n < 16 ? (202L << 8) | (n << 4) : (1L << 28) | (n << 8);
	}
	if (!strncmp(v, "sd", 2) && v[2]) {
		n = letters(v + 2);
		return n >= 0 && n < 16 ? (8L << 8) | (n << 4) : -1;
	}
	if (!strncmp(v, "hd", 2) && v[2] && !v[3] && v[2] <= 'd') {
		n = v[2] - 'a';
		return n < 0 ? -1 : ((n < 2 ? 3L : 22L) << 8) | ((n & 1) << 6);
	}
	return -1;
}

/* block: hospes-blkback serves raw images only; other formats are known
 * to the parser (xl accepts them) but refused here, at validation. */
int hd_disk_spec_check(const char *spec, char *msg, size_t len)
{
	struct hd_disk k;

	if (hd_disk_spec_parse(spec, &k, msg, len))
		return -1;
	if (strcmp(k.format, "raw"))
		return snprintf(msg, len, "format=%s is not supported (only raw images)", k.format),
		       -1;
	return 0;
}

static bool mac_ok(const char *m)
{
	unsigned b[6];
	char tail;

	if (strlen(m) != 17 || sscanf(m, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
				      &b[4], &b[5], &tail) != 6)
		return false;
	for (int i = 0; i < 17; i++)
		if (i % 3 == 2 ? m[i] != ':' : !isxdigit((unsigned char)m[i]))
			return false;
	return !(b[0] & 1); /* a multicast address cannot name one interface */
}

int hd_vif_spec_check(const char *spec, char *msg, size_t len)
{
	static const char *const keys[] = { "mac", "bridge", "ip", "model", "type", "vifname",
					    "script", "rate", "backend", "gatewaydev", "devid", NULL };
	char buf[HD_SPEC_MAX], *save = NULL, *tok;

	if (strlen(spec) >= sizeof(buf))
		return snprintf(msg, len, "too long"), -1;
	strcpy(buf, spec);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '='), *val;

		if (!eq) {
			trim(tok);
			if (!*tok)
				continue;
			return snprintf(msg, len, "'%s' is not key=value", tok), -1;
		}
		*eq = 0;
		val = eq + 1;
		trim(tok);
		trim(val);
		if (!in(tok, keys))
			return snprintf(msg, len, "unknown key '%s'", tok), -1;
		if (!strcmp(tok, "mac") && !mac_ok(val))
			return snprintf(msg, len, "bad mac '%s'", val), -1;
		/* net: the vif's device number (xl's devid=) */
		if (!strcmp(tok, "devid") &&
		    (strspn(val, "0123456789") != strlen(val) || strlen(val) > 3 || atoi(val) > 255))
			return snprintf(msg, len, "bad devid '%s' (0..255)", val), -1;
		if (!*val)
			return snprintf(msg, len, "empty value for '%s'", tok), -1;
	}
	return 0;
}
