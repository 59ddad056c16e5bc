/* hd_log.c: log lines on stderr: `hospesd: HH:MM:SS.mmm [domN: ]message`;
 * the wall clock. */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#define HD_CONFIG_ONLY
#include "hd.h"

void hd_log(int domid, const char *fmt, ...)
{
	struct timespec ts;
	struct tm tm;
	char line[1024];
	int n;
	va_list ap;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = snprintf(line, sizeof(line), "hospesd: %02d:%02d:%02d.%03ld ", tm.tm_hour, tm.tm_min,
		     tm.tm_sec, ts.tv_nsec / 1000000);
	if (domid >= 0)
		n += snprintf(line + n, sizeof(line) - (size_t)n, "dom%d: ", domid);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", line);
}

double hd_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}
