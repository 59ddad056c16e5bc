/* hd_reach.c: whether hospes-hv and hospes-stored answer. A call that
 * times out marks its service unresponsive: while the process is stopped
 * (SIGSTOP, a debugger) calls fail at once instead of each waiting the
 * whole bound again, and the first call after it runs again is tried;
 * otherwise one call is tried per HD_RETRY_S. The first answer clears the
 * mark. */
#include <stdio.h>
#include <string.h>

#include "hd.h"

#define HD_RETRY_S 1.0

/* State T (stopped) or t (traced) in /proc/PID/stat. */
static bool stopped(pid_t pid)
{
	char path[64], buf[512], *p;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	/* the command name may hold spaces and parentheses: the state
	 * follows the last ')' */
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && (p[2] == 'T' || p[2] == 't');
}

bool hd_svc_usable(struct hd_service *s)
{
	if (!s->unresponsive)
		return true;
	if (s->pid > 0 && stopped(s->pid)) {
		s->retry_at = 0; /* once it runs again, try at once */
		return false;
	}
	return hd_now() >= s->retry_at;
}

void hd_svc_timed_out(struct hd_service *s, const char *what)
{
	hd_log(-1, "%s (pid %d): no answer to %s within %u ms; connection dropped, "
	       "requests fail with -32003 until it answers", s->name, (int)s->pid, what,
	       HD_CALL_TIMEOUT_MS);
	s->unresponsive = true;
	s->retry_at = hd_now() + HD_RETRY_S;
}

void hd_svc_answered(struct hd_service *s)
{
	if (!s->unresponsive)
		return;
	s->unresponsive = false;
	hd_log(-1, "%s (pid %d) answers again", s->name, (int)s->pid);
}

const char *hd_svc_down_name(void)
{
	if (!hd.hv.unresponsive && hd.hv.pid > 0 &&
	    (hd.stored.unresponsive || hd.stored.pid <= 0))
		return hd.stored.name;
	return hd.hv.name;
}
