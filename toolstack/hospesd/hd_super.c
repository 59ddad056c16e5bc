/* hd_super.c: supervision of hospes-hv, hospes-stored and hospes-consoled. They run in their
 * own session (setsid, no PDEATHSIG, logs to files in the state dir, not to
 * hospesd's stderr) so that they and the guests outlive a hospesd crash; a
 * restarted hospesd adopts them through their pid files and a pidfd. A
 * service that exits is restarted with exponential backoff. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bctl.h"
#include "hd.h"

#define BACKOFF_MAX_MS 5000
#define STABLE_S 10.0 /* a service up this long gets the minimum backoff again */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool sock_alive(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { HD_CALL_TIMEOUT_MS / 1000, 0 };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), r;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%.*s", (int)sizeof(sa.sun_path) - 1, path);
	/* robust: a stopped service's full backlog must not hang the loop */
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	r = fd >= 0 ? connect(fd, (struct sockaddr *)&sa, sizeof(sa)) : -1;
	if (fd >= 0)
		close(fd);
	return r == 0;
}

/* pid runs the service's binary (not a recycled pid). */
static bool pid_is(pid_t pid, const char *bin)
{
	char link[64], exe[HD_PATH_MAX], want[HD_PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/exe", (int)pid);
	n = readlink(link, exe, sizeof(exe) - 1);
	if (n <= 0 || !realpath(bin, want))
		return false;
	exe[n] = 0;
	/* a binary replaced (upgraded) since it started still counts */
	if (n > 10 && !strcmp(exe + n - 10, " (deleted)"))
		exe[n - 10] = 0;
	return !strcmp(exe, want);
}

static void watch_exit(struct hd_service *s);

/* block: a backend is up once its control socket answers "status" with
 * its name (backend_ctl.h); the others once their socket accepts. */
static bool svc_up(struct hd_service *s, pid_t pid, double since)
{
	struct bctl_status st;

	if (!s->ctl_status)
		return sock_alive(s->sock);
	return bctl_get_status(s->sock, HD_BCTL_TIMEOUT_MS, &st) == 0 && !strcmp(st.name, s->name);
}

static void on_backoff(uv_timer_t *t)
{
	struct hd_service *s = t->data;

	if (hd_super_start(s))
		watch_exit(s); /* not started: try again later */
}

static void schedule_restart(struct hd_service *s)
{
	if (now_s() - s->started_at > STABLE_S)
		s->backoff_ms = BACKOFF_MIN_MS;
	hd_log(-1, "%s: restarting in %u ms", s->name, s->backoff_ms);
	uv_timer_start(s->backoff, on_backoff, s->backoff_ms, 0);
	s->backoff_ms = s->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : s->backoff_ms * 2;
}

static void on_poll_closed(uv_handle_t *h)
{
	free(h);
}

/* A poll handle is closed (not re-initialised) before its pidfd goes. */
void hd_super_unwatch(struct hd_service *s)
{
	if (s->poll) {
		uv_close((uv_handle_t *)s->poll, on_poll_closed);
		s->poll = NULL;
	}
	if (s->pidfd >= 0) {
		close(s->pidfd);
		s->pidfd = -1;
	}
}

static void on_pidfd(uv_poll_t *p, int status, int events)
{
	struct hd_service *s = p->data;
	int st = 0;

	hd_super_unwatch(s);
	if (waitpid(s->pid, &st, WNOHANG) == s->pid)
		hd_log(-1, "%s (pid %d) exited: %s %d", s->name, (int)s->pid,
		       WIFSIGNALED(st) ? "signal" : "status",
		       WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
	else
		hd_log(-1, "%s (pid %d) exited", s->name, (int)s->pid);
	s->pid = 0;
	s->unresponsive = false; /* robust: a new process gets a clean slate */
	unlink(s->pidfile);
	if (s == &hd.hv)
		hd_dom_hv_lost();
	else if (s == &hd.stored)
		hd_store_lost();
	/* a new hospes-consoled finds the running domains by itself (its scan) */
	hd_event("service", NULL, "service", s->name);
	s->restarts++;
	schedule_restart(s);
}

/* Schedules a retry when nothing is running (start failed). */
static void watch_exit(struct hd_service *s)
{
	if (s->pid <= 0) {
		schedule_restart(s);
		return;
	}
	s->pidfd = (int)syscall(SYS_pidfd_open, s->pid, 0);
	if (s->pidfd < 0) {
		hd_log(-1, "%s: pidfd_open: %s", s->name, strerror(errno));
		return;
	}
	s->poll = calloc(1, sizeof(*s->poll));
	if (!s->poll || uv_poll_init(hd.loop, s->poll, s->pidfd)) {
		free(s->poll);
		s->poll = NULL;
		hd_log(-1, "%s: cannot watch pid %d", s->name, (int)s->pid);
		return;
	}
	s->poll->data = s;
	uv_poll_start(s->poll, UV_READABLE, on_pidfd);
}

static pid_t spawn(struct hd_service *s)
{
	char *argv[16];
	int i = 0;
	pid_t pid;

	argv[i++] = (char *)s->bin;
	if (s == &hd.hv)
		argv[i++] = "daemon";
	argv[i++] = "--socket";
	argv[i++] = s->sock;
	argv[i++] = "--state-dir";
	argv[i++] = s->dir;
	if (s == &hd.stored) {
		/* it reaches guests' rings through hospes-hv */
		argv[i++] = "--hv-socket";
		argv[i++] = hd.hv.sock;
	}
	if (s == &hd.consoled || s == &hd.blkback || s == &hd.netback) {
		/* console, block: it learns domains from xenstore, maps rings through hv */
		argv[i++] = "--hv-socket";
		argv[i++] = hd.hv.sock;
		argv[i++] = "--xs-socket";
		argv[i++] = hd.stored.sock;
	}
	if (s == &hd.consoled) {
		/* console: the API group may attach too */
		argv[i++] = "--group";
		argv[i++] = (char *)hd.group;
	}
	argv[i] = NULL;
	pid = fork();
	if (pid == 0) {
		sigset_t none;
		int log = open(s->logfile, O_WRONLY | O_CREAT | O_APPEND, 0600),
		    null = open("/dev/null", O_RDONLY);

		/* Its own session: not killed with hospesd's process group or
		 * terminal; its output never goes to a pipe that may close. */
		setsid();
		/* hospes-stored reaches the hypervisor for guest rings. */
		setenv("HOSPES_HV_SOCKET", hd.hv.sock, 1);
		setenv("XENSTORED_PATH", hd.stored.sock, 1);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		dup2(null, 0);
		dup2(log, 1);
		dup2(log, 2);
		syscall(SYS_close_range, 3, ~0u, 0);
		execv(s->bin, argv);
		_exit(127);
	}
	return pid;
}

int hd_super_start(struct hd_service *s)
{
	char *txt = hd_read_file(s->pidfile, 32), buf[32];
	pid_t pid = txt ? (pid_t)atoi(txt) : 0;
	double deadline;

	free(txt);
	if (pid > 0 && kill(pid, 0) == 0 && pid_is(pid, s->bin) && svc_up(s, pid, 0)) {
		s->pid = pid;
		s->started_at = now_s();
		hd_log(-1, "%s: adopted running pid %d on %s", s->name, (int)pid, s->sock);
		watch_exit(s);
		return s->on_up ? (s->on_up(s), 0) : 0;
	}
	pid = spawn(s);
	if (pid < 0) {
		hd_log(-1, "%s: fork: %s", s->name, strerror(errno));
		return -errno;
	}
	s->pid = pid;
	s->started_at = now_s();
	for (deadline = now_s() + 10; now_s() < deadline; usleep(20000)) {
		if (waitpid(pid, NULL, WNOHANG) == pid) {
			hd_log(-1, "%s: exited at start (see %s)", s->name, s->logfile);
			s->pid = 0;
			return -EIO;
		}
		if (svc_up(s, pid, s->started_at))
			break;
	}
	if (!svc_up(s, pid, s->started_at)) {
		hd_log(-1, "%s: no socket %s after 10 s; killing it", s->name, s->sock);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		s->pid = 0;
		return -ETIMEDOUT;
	}
	snprintf(buf, sizeof(buf), "%d\n", (int)pid);
	hd_write_file(s->pidfile, buf, strlen(buf));
	hd_log(-1, "%s: started pid %d on %s", s->name, (int)pid, s->sock);
	watch_exit(s);
	if (s->on_up)
		s->on_up(s);
	return 0;
}
