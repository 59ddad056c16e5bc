/* hv_util.h: small pure helpers: sizes on the command line, whole files. */
#ifndef HOSPES_HV_UTIL_H
#define HOSPES_HV_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* "64M", "5G", "65536K", "4096": decimal with an optional K/M/G (binary)
 * suffix, either case. 0, -EINVAL (syntax) or -ERANGE (overflow). */
int hv_parse_size(const char *s, uint64_t *out);

/* Reads a whole regular file into a malloc'd buffer. 0 or -errno. */
int hv_read_file(const char *path, uint8_t **data, size_t *size);

#endif
