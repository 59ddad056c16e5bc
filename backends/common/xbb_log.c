/* xbb_log.c: the one log line format of the backend daemons: UTC
 * timestamp, dom<id> or the program's name, the message. */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "xbb_log.h"

const char *xbb_progname = "backend";

void xbb_log(int domid, const char *fmt, ...)
{
	struct timespec ts;
	struct tm tm;
	char when[32], who[24];
	va_list ap;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	if (domid >= 0)
		snprintf(who, sizeof(who), "dom%d", domid);
	else
		snprintf(who, sizeof(who), "%s", xbb_progname);
	fprintf(stderr, "%s.%03ldZ %s: ", when, ts.tv_nsec / 1000000, who);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
