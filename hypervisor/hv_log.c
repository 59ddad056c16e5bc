/* hv_log.c: hospes-hv's log lines on stderr, stamped with time and domain. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hv.h"

enum hv_log_level hv_log_threshold = HV_LOG_INFO;

void hv_vlog(const struct hv_domain *dom, enum hv_log_level level, const char *fmt, va_list ap)
{
	char line[1024];
	struct timespec ts;
	struct tm tm;
	size_t n;

	if (level > hv_log_threshold)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	n = (size_t)snprintf(line, sizeof(line), "hospes-hv: %02d:%02d:%02d.%03ld ", tm.tm_hour,
			     tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
	if (dom)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "dom%u: ", (unsigned)dom->id);
	if (n < sizeof(line))
		n += (size_t)vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	/* One write per line so lines from several threads never interleave. */
	if (write(STDERR_FILENO, line, n) < 0)
		return;
}

void hv_log(const struct hv_domain *dom, enum hv_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hv_vlog(dom, level, fmt, ap);
	va_end(ap);
}

void hv_log_lines(const struct hv_domain *dom, enum hv_log_level level, const char *text)
{
	while (*text) {
		const char *nl = strchr(text, '\n');
		int len = nl ? (int)(nl - text) : (int)strlen(text);

		hv_log(dom, level, "%.*s", len, text);
		text += len + (nl ? 1 : 0);
	}
}
