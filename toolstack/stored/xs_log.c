/* xs_log.c: hospes-stored's log lines on stderr, stamped with time and peer. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "xs.h"

void xs_log(const char *who, const char *fmt, ...)
{
	char line[1024];
	struct timespec ts;
	struct tm tm;
	va_list ap;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = (size_t)snprintf(line, sizeof(line), "hospes-stored: %02d:%02d:%02d.%03ld %s%s",
			     tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, who ? who : "",
			     who ? ": " : "");
	va_start(ap, fmt);
	if (n < sizeof(line))
		n += (size_t)vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	if (n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	/* One write per line so lines never interleave with other writers. */
	if (write(STDERR_FILENO, line, n) < 0)
		return;
}
