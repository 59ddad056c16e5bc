/* test_hospesd_console.c: the operator's path through hospesd: hospesd
 * supervises hospes-consoled (restarted after a SIGKILL, adopted by a new
 * hospesd), `hospes console` attaches (from a pipe: typed commands, their
 * output, exit on the domain's end; on a pty: raw mode, Ctrl-] detaches),
 * and shutdown/reboot are carried out by nido itself through
 * control/shutdown (the fallback only for a guest that cannot hear it);
 * with --group, members of the group attach too. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pvabi/consoled.h>

#include "harness.h"
#include "hd_fixture.h"

static void setup(void)
{
	hdfx_start();
}

TestSuite(hospesd_console, .init = setup, .fini = hdfx_stop_clean, .timeout = 120);

static int64_t info_int(const char *name, const char *key)
{
	json_object *res = hdfx_ok("domain.info", hdfx_dom(name)), *v;
	int64_t x;

	cr_assert(json_object_object_get_ex(res, key, &v), "%s", key);
	x = json_object_get_int64(v);
	json_object_put(res);
	return x;
}


/* 1 once the guest announced control/feature-<what> = 1. */
static int wait_feature(int domid, const char *what, int ms)
{
	char path[96];

	snprintf(path, sizeof(path), "/local/domain/%d/control/feature-%s", domid, what);
	for (int t = 0; t <= ms; t += 50) {
		char *v = hdfx_store_read(path);
		int ok = v && !strcmp(v, "1");

		free(v);
		if (ok)
			return 1;
		usleep(50000);
	}
	return 0;
}

static json_object *cfg_nostore(const char *name, const char *cmdline)
{
	return hdfx_nido_cfg(name, cmdline, ",\"xenstore\":false");
}

Test(hospesd_console, typed_commands_through_a_pipe)
{
	struct hdfx_run r;

	json_object_put(hdfx_ok("domain.create", hdfx_nido_cfg("con", "", "")));
	r = hdfx_console_with("con", "echo hello-through-console\rvcpus\rxs-read name\rpoweroff\r");
	cr_assert_eq(r.status, 0, "exit %d\nout:\n%s\nerr:\n%s\n%s", r.status, r.out, r.err,
		     hdfx_log());
	cr_assert(strstr(r.out, "nido> "), "%s", r.out);
	cr_assert(strstr(r.out, "\nhello-through-console"), "%s", r.out);
	cr_assert(strstr(r.out, "vcpus: 1"), "%s", r.out);
	cr_assert(strstr(r.out, "xs-read name = \"con\""), "%s", r.out);
	cr_assert(strstr(r.err, "the domain ended"), "%s", r.err);
	/* poweroff typed in the guest: on_poweroff destroy */
	cr_assert(hdfx_wait_state("con", NULL, 10000), "%s", hdfx_log());
}

Test(hospesd_console, method_and_errors)
{
	json_object *res, *v;
	struct hdfx_run r;
	int id;

	json_object_put(hdfx_ok("domain.create", hdfx_nido_cfg("m1", "", "")));
	id = (int)info_int("m1", "domid");
	res = hdfx_ok("domain.console", hdfx_dom("m1"));
	cr_assert(json_object_object_get_ex(res, "domid", &v));
	cr_assert_eq(json_object_get_int(v), id);
	cr_assert(json_object_object_get_ex(res, "socket", &v));
	cr_assert(strstr(json_object_get_string(v), "/consoled.sock"), "%s",
		  json_object_get_string(v));
	json_object_put(res);
	/* no xenstore, no console */
	json_object_put(hdfx_ok("domain.create", cfg_nostore("m2", "script=sleep 60000")));
	hdfx_err("domain.console", hdfx_dom("m2"), -32000);
	hdfx_err("domain.console", hdfx_dom("ghost"), -32001);
	r = hdfx_cli((const char *[]){ "console", "ghost", NULL });
	cr_assert_eq(r.status, 1, "%s", r.err);
	r = hdfx_cli((const char *[]){ "console", NULL });
	cr_assert_eq(r.status, 2, "%s", r.err);
	r = hdfx_cli((const char *[]){ "status", NULL });
	cr_assert(strstr(r.out, "hospes-consoled"), "%s", r.out);
}

Test(hospesd_console, survives_consoled_kill)
{
	pid_t old = hdfx_service_pid("consoled"), now;
	struct hdfx_run r;
	json_object *res, *svc, *s, *v;

	cr_assert_gt(old, 0, "hospesd did not start hospes-consoled:\n%s", hdfx_log());
	json_object_put(hdfx_ok("domain.create", hdfx_nido_cfg("cr", "", "")));
	cr_assert_eq(kill(old, SIGKILL), 0);
	now = hdfx_wait_new_pid("consoled", old, 10000);
	cr_assert(now > 0 && now != old, "hospes-consoled not restarted:\n%s", hdfx_log());
	res = hdfx_ok("host.status", NULL);
	cr_assert(json_object_object_get_ex(res, "services", &svc));
	cr_assert(json_object_object_get_ex(svc, "hospes-consoled", &s));
	cr_assert(json_object_object_get_ex(s, "restarts", &v));
	cr_assert_geq(json_object_get_int(v), 1);
	json_object_put(res);
	/* the running guest's console is served again by the new daemon */
	r = hdfx_console_with("cr", "echo after-restart\rpoweroff\r");
	cr_assert_eq(r.status, 0, "out:\n%s\nerr:\n%s\n%s", r.out, r.err, hdfx_log());
	cr_assert(strstr(r.out, "\nafter-restart"), "%s", r.out);
}

Test(hospesd_console, shutdown_and_reboot_by_the_guest)
{
	struct hdfx_run r;
	char *log;
	int id, id2 = 0;

	/* poweroff: nido hears control/shutdown and ends itself */
	json_object_put(hdfx_ok("domain.create",
				hdfx_nido_cfg("pw", "", ",\"on_poweroff\":\"preserve\"")));
	id = (int)info_int("pw", "domid");
	cr_assert(wait_feature(id, "poweroff", 10000), "no feature-poweroff\n%s", hdfx_log());
	cr_assert(wait_feature(id, "reboot", 1000));
	json_object_put(hdfx_ok("domain.shutdown", ({
		json_object *p = hdfx_dom("pw");
		json_object_object_add(p, "timeout_ms", json_object_new_int(60000));
		p;
	})));
	cr_assert(hdfx_wait_state("pw", "shutdown", 10000), "%s", hdfx_log());
	cr_assert_eq(info_int("pw", "shutdown_reason"), 0 /* SHUTDOWN_poweroff */);
	hdfx_err("domain.console", hdfx_dom("pw"), -32000); /* ended: nothing to attach to */
	json_object_put(hdfx_ok("domain.destroy", hdfx_dom("pw")));

	/* the CLI's --wait returns once the guest is gone, long before the fallback */
	json_object_put(hdfx_ok("domain.create", hdfx_nido_cfg("pw2", "", "")));
	cr_assert(wait_feature((int)info_int("pw2", "domid"), "poweroff", 10000));
	r = hdfx_cli((const char *[]){ "shutdown", "pw2", "--timeout", "60000", "--wait", NULL });
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_null(hdfx_state("pw2"));

	/* reboot with on_reboot restart: a running domain again, new domid */
	json_object_put(hdfx_ok("domain.create", hdfx_nido_cfg("rb", "", "")));
	id = (int)info_int("rb", "domid");
	cr_assert(wait_feature(id, "reboot", 10000));
	json_object_put(hdfx_ok("domain.reboot", ({
		json_object *p = hdfx_dom("rb");
		json_object_object_add(p, "timeout_ms", json_object_new_int(60000));
		p;
	})));
	for (int i = 0; i < 100 && !id2; i++) {
		usleep(100000);
		if (info_int("rb", "restarts") == 1)
			id2 = (int)info_int("rb", "domid");
	}
	/* hospes-hv hands out the lowest free domid: the new life may reuse it */
	cr_assert(id2, "not rebuilt\n%s", hdfx_log());
	cr_assert(hdfx_wait_state("rb", "running", 5000));
	log = hdfx_log();
	cr_assert(strstr(log, "ended (reboot): restart"), "%s", log);
	cr_assert_null(strstr(log, "no reaction to control/shutdown"), "%s", log);
	free(log);
	/* the new life hears control/shutdown too */
	cr_assert(wait_feature(id2, "poweroff", 10000));
}

Test(hospesd_console, fallback_for_a_guest_without_xenstore)
{
	struct hdfx_run r;
	char *log;

	json_object_put(hdfx_ok("domain.create", cfg_nostore("nx", "script=sleep 60000")));
	r = hdfx_cli((const char *[]){ "shutdown", "nx", "--timeout", "300", "--wait", NULL });
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_null(hdfx_state("nx"));
	log = hdfx_log();
	cr_assert(strstr(log, "no reaction to control/shutdown; destroying"), "%s", log);
	free(log);
}

/* A new hospesd adopts the running hospes-consoled (pid file + live socket)
 * instead of starting another; consoles keep working. */
Test(hospesd_console, consoled_adopted_by_a_new_hospesd)
{
	pid_t old = hdfx_service_pid("consoled");
	json_object *res, *svc, *s, *v;
	struct hdfx_run r;
	char *log;

	cr_assert_gt(old, 0);
	json_object_put(hdfx_ok("domain.create", hdfx_nido_cfg("ad", "", "")));
	hdfx_kill_restart();
	cr_assert_eq(hdfx_service_pid("consoled"), old);
	res = hdfx_ok("host.status", NULL);
	cr_assert(json_object_object_get_ex(res, "services", &svc));
	cr_assert(json_object_object_get_ex(svc, "hospes-consoled", &s));
	cr_assert(json_object_object_get_ex(s, "pid", &v));
	cr_assert_eq(json_object_get_int(v), old);
	json_object_put(res);
	r = hdfx_console_with("ad", "echo still-here\rpoweroff\r");
	cr_assert_eq(r.status, 0, "out:\n%s\nerr:\n%s\n%s", r.out, r.err, hdfx_log());
	cr_assert(strstr(r.out, "\nstill-here"), "%s", r.out);
	log = hdfx_log();
	cr_assert(strstr(log, "hospes-consoled: adopted running pid"), "%s", log);
	free(log);
}

/* Reads from the pty master until text shows up (ms at most); 1 if it did. */
static int pty_expect(int fd, char *buf, size_t cap, size_t *len, const char *text, int ms)
{
	for (int waited = 0; waited < ms && !strstr(buf, text);) {
		struct pollfd pf = { fd, POLLIN, 0 };
		ssize_t n;

		if (poll(&pf, 1, 50) <= 0) {
			waited += 50;
			continue;
		}
		n = read(fd, buf + *len, cap - 1 - *len);
		if (n <= 0)
			break;
		*len += (size_t)n;
		buf[*len] = 0;
	}
	return strstr(buf, text) != NULL;
}

/* On a terminal: raw mode (a typed CR reaches the guest as is), Ctrl-]
 * detaches with exit 0 and the guest keeps running. */
Test(hospesd_console, terminal_session_and_detach)
{
	static char buf[65536];
	size_t len = 0;
	int master, st = 0;
	pid_t pid;

	buf[0] = 0;
	json_object_put(hdfx_ok("domain.create", hdfx_nido_cfg("tty", "", "")));
	pid = forkpty(&master, NULL, NULL, NULL);
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		execl(harness_path("bin/hospes"), "hospes", "--socket", hdfx_socket(), "console",
		      "tty", (char *)NULL);
		_exit(127);
	}
	cr_assert(pty_expect(master, buf, sizeof(buf), &len, "Ctrl-] detaches", 10000), "%s", buf);
	cr_assert_eq(write(master, "echo typed-on-a-tty\r", 20), 20);
	cr_assert(pty_expect(master, buf, sizeof(buf), &len, "\ntyped-on-a-tty", 10000), "%s", buf);
	cr_assert_eq(write(master, "\x1d", 1), 1);
	cr_assert(pty_expect(master, buf, sizeof(buf), &len, "detached from dom", 10000), "%s", buf);
	bool reaped = false;

	for (int i = 0; i < 100 && !(reaped = waitpid(pid, &st, WNOHANG) == pid); i++)
		usleep(50000);
	if (!reaped) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	cr_assert(reaped, "hospes console did not exit after Ctrl-]\n%s", buf);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d\n%s", st, buf);
	close(master);
	cr_assert_str_eq(hdfx_state("tty"), "running");
}

/* After hospes-stored dies, hospes-consoled (which lost its xenstore
 * connection) is restarted too: consoles of old and new domains work. */
Test(hospesd_console, consoles_after_a_stored_restart)
{
	pid_t st = hdfx_service_pid("stored"), co = hdfx_service_pid("consoled"), now = 0;
	struct hdfx_run r;

	json_object_put(hdfx_ok("domain.create", hdfx_nido_cfg("old", "", "")));
	cr_assert(st > 0 && co > 0);
	cr_assert_eq(kill(st, SIGKILL), 0);
	for (int i = 0; i < 200; i++) {
		now = hdfx_service_pid("consoled");
		if (now > 0 && now != co && hdfx_service_pid("stored") > 0)
			break;
		usleep(50000);
	}
	cr_assert(now > 0 && now != co, "hospes-consoled not restarted:\n%s", hdfx_log());
	json_object_put(hdfx_ok("domain.create", hdfx_nido_cfg("new", "", "")));
	r = hdfx_console_with("new", "echo new-domain\rpoweroff\r");
	cr_assert_eq(r.status, 0, "out:\n%s\nerr:\n%s\n%s", r.out, r.err, hdfx_log());
	cr_assert(strstr(r.out, "\nnew-domain"), "%s", r.out);
	r = hdfx_console_with("old", "echo old-domain\rpoweroff\r");
	cr_assert_eq(r.status, 0, "out:\n%s\nerr:\n%s\n%s", r.out, r.err, hdfx_log());
	cr_assert(strstr(r.out, "\nold-domain"), "%s", r.out);
}

/* console group: hospesd --group G gives hospes-consoled --group G: its
 * socket is mode 0660 with group G, the state dir lets G search (0710),
 * and consoled's SO_PEERCRED check admits G's members (primary or
 * supplementary) like hospesd's own. The host has no `hospes` group: the
 * tests use nogroup (gid 65534) and unprivileged uid 65534. */
static void group_fini(void)
{
	hdfx_stop();
}

TestSuite(hospesd_console_group, .fini = group_fini, .timeout = 120);

static const char *path_in_state(const char *name)
{
	static char path[192];

	snprintf(path, sizeof(path), "%s/st/%s", hdfx_dir(), name);
	return path;
}

/* In a child with the given credentials: ATTACH domid on consoled's
 * socket. Exit: 0 STATUS 0, 1 connect refused (EACCES), 2 STATUS
 * -EACCES, 3 STATUS -ESRCH, 4 anything else, 5 credentials not taken. */
/* Keeps CAP_DAC_OVERRIDE across setuid (no other capability): the socket's
 * mode no longer stops the process, only hospes-consoled's own check. */
static int keep_dac_override(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = { { 0 } };

	d[0].effective = d[0].permitted = 1u << CAP_DAC_OVERRIDE;
	return (int)syscall(SYS_capset, &h, d);
}

static int attach_as_x(gid_t primary, gid_t supp, bool with_supp, uint32_t domid, bool dac);

static int attach_as(gid_t primary, gid_t supp, bool with_supp, uint32_t domid)
{
	return attach_as_x(primary, supp, with_supp, domid, false);
}

static int attach_as_x(gid_t primary, gid_t supp, bool with_supp, uint32_t domid, bool dac)
{
	char path[192];
	pid_t p;
	int st;

	snprintf(path, sizeof(path), "%s/st/consoled.sock", hdfx_dir());
	p = fork();
	if (p == 0) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		struct { struct consoled_hdr h; struct consoled_attach a; } q = {
			{ CONSOLED_ATTACH, sizeof(struct consoled_attach) }, { domid, 0 } };
		struct { struct consoled_hdr h; struct consoled_status s; } a;
		int fd;

		if ((dac && prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L)) ||
		    setgroups(with_supp ? 1 : 0, &supp) || setgid(primary) || setuid(65534) ||
		    (dac && keep_dac_override()))
			_exit(5);
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%.100s", path);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			_exit(errno == EACCES ? 1 : 4);
		/* a refused peer may be closed before it writes: its STATUS is
		 * still there to read */
		(void)send(fd, &q, sizeof(q), MSG_NOSIGNAL);
		for (size_t got = 0; got < sizeof(a);) {
			struct pollfd pf = { fd, POLLIN, 0 };
			ssize_t n;

			if (poll(&pf, 1, 10000) <= 0 || (n = read(fd, (char *)&a + got, sizeof(a) - got)) <= 0)
				_exit(4);
			got += (size_t)n;
		}
		if (a.h.type != CONSOLED_STATUS)
			_exit(4);
		_exit(a.s.status == 0 ? 0 : a.s.status == -EACCES ? 2 : a.s.status == -ESRCH ? 3 : 4);
	}
	waitpid(p, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(hospesd_console_group, socket_and_state_dir_open_to_the_group)
{
	struct stat s;
	char path[192];

	hdfx_start_args((const char *[]){ "--group", "nogroup", NULL });
	snprintf(path, sizeof(path), "%s/st/consoled.sock", hdfx_dir());
	cr_assert_eq(stat(path, &s), 0);
	cr_assert_eq(s.st_mode & 0777, 0660, "mode %o", s.st_mode & 0777);
	cr_assert_eq(s.st_gid, 65534);
	snprintf(path, sizeof(path), "%s/st", hdfx_dir());
	cr_assert_eq(stat(path, &s), 0);
	cr_assert_eq(s.st_mode & 0777, 0710, "mode %o", s.st_mode & 0777);
	cr_assert_eq(s.st_gid, 65534);
	/* members get past both gates (no console 999: -ESRCH, not -EACCES) */
	cr_assert_eq(attach_as(65534, 0, false, 999), 3, "primary group member refused");
	cr_assert_eq(attach_as(1, 65534, true, 999), 3, "supplementary group member refused");
	/* others are refused: by the socket's mode, and past it (a process
	 * that may ignore file modes) by consoled's SO_PEERCRED check */
	cr_assert_eq(attach_as(1, 0, false, 999), 1, "non-member admitted");
	cr_assert_eq(attach_as(1, 2, true, 999), 1, "non-member admitted");
	cr_assert_eq(attach_as_x(1, 2, true, 999, true), 2, "non-member passed SO_PEERCRED");
	char *log = harness_read_file(path_in_state("consoled.log"));

	cr_assert(log && strstr(log, "refused pid") && strstr(log, "uid 65534"), "%s", log);
	free(log);
}

/* Without the group (hospesd's default `hospes` does not exist here):
 * owner only, as before. */
Test(hospesd_console_group, no_such_group_keeps_the_socket_owner_only)
{
	struct stat s;
	char path[192];

	hdfx_start();
	snprintf(path, sizeof(path), "%s/st/consoled.sock", hdfx_dir());
	cr_assert_eq(stat(path, &s), 0);
	cr_assert_eq(s.st_mode & 0777, 0600, "mode %o", s.st_mode & 0777);
	cr_assert_eq(attach_as(65534, 65534, true, 999), 1, "admitted without a group");
	cr_assert_eq(attach_as_x(65534, 65534, true, 999, true), 2, "admitted without a group");
}

/* A member attaches to a running guest's console through what
 * domain.console returned and gets its output. */
Test(hospesd_console_group, member_attaches_to_a_guest)
{
	json_object *res, *v;
	int domid;

	hdfx_start_args((const char *[]){ "--group", "nogroup", NULL });
	res = hdfx_ok("domain.create", hdfx_nido_cfg("cg", "", ""));
	cr_assert(json_object_object_get_ex(res, "domid", &v));
	domid = json_object_get_int(v);
	json_object_put(res);
	/* consoled takes a new domain a moment after its INTRODUCE */
	int r = 3;

	for (int i = 0; i < 60 && r == 3; i++) {
		r = attach_as(1, 65534, true, (uint32_t)domid);
		if (r == 3)
			usleep(50000);
	}
	cr_assert_eq(r, 0, "member could not attach: %d\n%s", r, hdfx_log());
	cr_assert_eq(attach_as(1, 0, false, (uint32_t)domid), 1, "non-member attached");
}
