/* test_hospesd_block.c: disks through hospesd: it supervises
 * hospes-blkback (up = its control socket answers, also when a restarted
 * hospesd adopts it), writes a configured disk's vbd keys at create (xvda
 * = 51712) and removes them on destroy, attaches/detaches disks of a
 * running nido (which writes a pattern the test finds in the image; a
 * detach waits for the device to close, or forces it after timeout_ms),
 * fails a create whose image is missing or whose format is not raw without
 * leaving anything behind, and reports blkback's per-disk counters in
 * domain.stats, `hospes stats` and `top`. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pvabi/blk_pattern.h>

#include "bctl.h"
#include "harness.h"
#include "hd_fixture.h"

static void setup(void)
{
	harness_require_kvm();
	hdfx_start();
}

TestSuite(hospesd_block, .init = setup, .fini = hdfx_stop_clean, .timeout = 120);

/* A zeroed raw image of mib MiB in the temp dir. */
static const char *image(const char *name, int mib)
{
	const char *path = hdfx_file(name, "");

	cr_assert_eq(truncate(path, (off_t)mib << 20), 0);
	return path;
}

/* Sectors in [start, start+count) not holding the pattern of seed. */
static unsigned bad_sectors(const char *path, uint64_t seed, uint64_t start, uint64_t count)
{
	uint64_t buf[BLK_PATTERN_WORDS_PER_SECTOR];
	unsigned bad = 0;
	int fd = open(path, O_RDONLY);

	cr_assert_geq(fd, 0);
	for (uint64_t s = start; s < start + count; s++) {
		uint64_t w = blk_pattern_word(seed, s);
		bool ok = pread(fd, buf, sizeof(buf), (off_t)(s * 512)) == (ssize_t)sizeof(buf);

		for (unsigned i = 0; ok && i < BLK_PATTERN_WORDS_PER_SECTOR; i++)
			ok = buf[i] == w;
		bad += !ok;
	}
	close(fd);
	return bad;
}

/* store.read through hospesd; NULL if the node does not exist. */
static char *store_read(const char *fmt, unsigned domid, long devid, const char *key)
{
	char path[192];

	snprintf(path, sizeof(path), fmt, domid, devid, key);
	return hdfx_store_read(path);
}

#define BE "/local/domain/0/backend/vbd/%u/%ld%s"
#define FE "/local/domain/%u/device/vbd/%ld%s"

/* 1 once the node is gone (or was never there) within ms. */
static int wait_gone(const char *fmt, unsigned domid, long devid, int ms)
{
	char path[192];

	snprintf(path, sizeof(path), fmt, domid, devid, "");
	return hdfx_wait_gone(path, ms);
}

Test(hospesd_block, blkback_supervised)
{
	hdfx_expect_service_restart("blkback");
}

Test(hospesd_block, disk_from_config_written_and_removed)
{
	const char *img = image("cfg.img", 4);
	char extra[512], *v;
	struct hdfx_run r;
	json_object *st, *disks, *k, *x;
	unsigned id;

	snprintf(extra, sizeof(extra),
		 ",\"on_poweroff\":\"preserve\",\"disk\":[\"format=raw, vdev=xvda, access=rw, "
		 "target=%s\"]", img);
	json_object_put(hdfx_ok("domain.create", hdfx_nido_cfg("d1", "", extra)));
	id = hdfx_domid("d1");
	/* Xen's number for xvda: 202 << 8 */
	v = store_read(BE, id, 51712, "/params");
	cr_assert(v && !strcmp(v, img), "params %s", v ? v : "(none)");
	free(v);
	v = store_read(FE, id, 51712, "/virtual-device");
	cr_assert(v && !strcmp(v, "51712"), "virtual-device %s", v ? v : "(none)");
	free(v);
	v = store_read(BE, id, 51712, "/mode");
	cr_assert(v && !strcmp(v, "w"));
	free(v);
	r = hdfx_console_with("d1", "blk-write 5 0 64\rblk-verify 5 0 64\rpoweroff\r");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	cr_assert(strstr(r.out, "blk-write: seed=5 start=0 count=64 ok"), "%s", r.out);
	cr_assert(strstr(r.out, "bad=0"), "%s", r.out);
	cr_assert_eq(bad_sectors(img, 5, 0, 64), 0, "the pattern is not in the image");
	/* blkback's counters, as hospesd reports them (stats every 100 ms) */
	usleep(300000);
	st = hdfx_ok("domain.stats", hdfx_dom("d1"));
	cr_assert(json_object_object_get_ex(st, "disks", &disks));
	cr_assert_eq(json_object_array_length(disks), 1, "%s", json_object_to_json_string(st));
	k = json_object_array_get_idx(disks, 0);
	cr_assert(json_object_object_get_ex(k, "bytes_written", &x));
	cr_assert_geq(json_object_get_int64(x), 64 * 512, "%s", json_object_to_json_string(st));
	cr_assert(json_object_object_get_ex(k, "writes", &x));
	cr_assert_gt(json_object_get_int64(x), 0);
	json_object_put(st);
	r = hdfx_cli((const char *[]){ "stats", "d1", NULL });
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "vbd xvda: reads="), "%s", r.out);
	cr_assert(!strstr(r.out, "bytes_written=0 "), "%s", r.out);
	r = hdfx_cli((const char *[]){ "top", "--iterations", "1", NULL });
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "VBD_WR"), "%s", r.out);
	json_object_put(hdfx_ok("domain.destroy", hdfx_dom("d1")));
	cr_assert(wait_gone(BE, id, 51712, 2000), "backend dir left after destroy");
	cr_assert(wait_gone(FE, id, 51712, 2000), "frontend dir left after destroy");
}

Test(hospesd_block, attach_detach_running)
{
	const char *img = image("hot.img", 4);
	char spec[400];
	struct hdfx_run r;
	json_object *p;
	unsigned id;
	char *v;

	json_object_put(hdfx_ok("domain.create",
				hdfx_nido_cfg("h1", "", ",\"on_poweroff\":\"preserve\"")));
	id = hdfx_domid("h1");
	cr_assert(hdfx_wait_state("h1", "running", 10000));
	snprintf(spec, sizeof(spec), "format=raw, vdev=xvdb, access=rw, target=%s", img);
	/* attach and detach while it runs: the keys come and go */
	r = hdfx_cli((const char *[]){ "block-attach", "h1", spec, NULL });
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	v = store_read(BE, id, 51728, "/params"); /* xvdb: 202 << 8 | 1 << 4 */
	cr_assert(v && !strcmp(v, img), "params %s", v ? v : "(none)");
	free(v);
	r = hdfx_cli((const char *[]){ "block-attach", "h1", spec, NULL });
	cr_assert_eq(r.status, 1, "a second xvdb was accepted");
	r = hdfx_cli((const char *[]){ "block-detach", "h1", "xvdb", NULL });
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	cr_assert(wait_gone(BE, id, 51728, 2000), "backend dir left after detach");
	cr_assert(wait_gone(FE, id, 51728, 2000), "frontend dir left after detach");
	r = hdfx_cli((const char *[]){ "block-detach", "h1", "xvdb", NULL });
	cr_assert_eq(r.status, 1, "detaching a missing disk succeeded");
	cr_assert(hdfx_wait_state("h1", "running", 1), "%s", hdfx_log());
	/* attach again through the method; nido uses it */
	p = hdfx_dom("h1");
	json_object_object_add(p, "spec", json_object_new_string(spec));
	{
		json_object *rep = hdfx_call("domain.block_attach", p), *e;

		cr_assert(!json_object_object_get_ex(rep, "error", &e), "%s\n%s",
			  json_object_to_json_string(rep), hdfx_log());
		json_object_put(rep);
	}
	r = hdfx_console_with("h1", "blk-info\rblk-write 9 8 32\rpoweroff\r");
	cr_assert(strstr(r.out, "blk-info: sectors=8192"), "%s", r.out);
	cr_assert(strstr(r.out, "blk-write: seed=9 start=8 count=32 ok"), "%s", r.out);
	cr_assert_eq(bad_sectors(img, 9, 8, 32), 0, "the pattern is not in the image");
	/* bad specs */
	p = hdfx_dom("h1");
	json_object_object_add(p, "spec", json_object_new_string("format=qcow2, vdev=xvdc, target=/x"));
	hdfx_err("domain.block_attach", p, -32602);
	p = hdfx_dom("h1");
	json_object_object_add(p, "spec", json_object_new_string("vdev=bogus, target=/x"));
	hdfx_err("domain.block_attach", p, -32602);
	r = hdfx_cli((const char *[]){ "block-detach", "h1", "xvdb", NULL });
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	cr_assert(wait_gone(BE, id, 51728, 2000), "backend dir left after detach");
	/* h1 powered off (preserved): no new disks */
	p = hdfx_dom("h1");
	json_object_object_add(p, "spec", json_object_new_string(spec));
	hdfx_err("domain.block_attach", p, -32000);
}

#define XVDB 51728L /* 202 << 8 | 1 << 4 */

/* The backend's state key; -1 while it is missing. */
static int be_state(unsigned domid, long devid)
{
	char *v = store_read(BE, domid, devid, "/state");
	int st = v ? atoi(v) : -1;

	free(v);
	return st;
}

static int wait_be_state(unsigned domid, long devid, int state, int ms)
{
	for (int t = 0; t <= ms; t += 50) {
		if (be_state(domid, devid) == state)
			return 1;
		usleep(50000);
	}
	return 0;
}

/* A running nido with xvdb on img whose blkfront is connected: blk-info
 * typed on its console (then the console detached with Ctrl-], so the
 * shell stays idle and follows the disk's xenstore state). */
static unsigned running_with_disk(const char *name, const char *img)
{
	char extra[512];
	struct hdfx_run r;
	unsigned id;

	snprintf(extra, sizeof(extra),
		 ",\"disk\":[\"format=raw, vdev=xvdb, access=rw, target=%s\"]", img);
	json_object_put(hdfx_ok("domain.create", hdfx_nido_cfg(name, "", extra)));
	id = hdfx_domid(name);
	cr_assert(hdfx_wait_state(name, "running", 10000));
	r = hdfx_console_with(name, "blk-info\r\x1d");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	cr_assert(wait_be_state(id, XVDB, 4, 30000), "xvdb not connected (state %d):\n%s",
		  be_state(id, XVDB), hdfx_log());
	return id;
}

/* detach_params' timeout_ms when the request carries none (hospesd's
 * default applies); every other value, negative ones too, is sent. */
#define NO_TIMEOUT INT_MIN

static json_object *detach_params(const char *name, int timeout_ms)
{
	json_object *p = hdfx_dom(name);

	json_object_object_add(p, "vdev", json_object_new_string("xvdb"));
	if (timeout_ms != NO_TIMEOUT)
		json_object_object_add(p, "timeout_ms", json_object_new_int(timeout_ms));
	return p;
}

static int64_t member(json_object *o, const char *key)
{
	json_object *v;

	cr_assert(json_object_object_get_ex(o, key, &v), "no %s in %s", key,
		  json_object_to_json_string(o));
	return json_object_get_int64(v);
}

Test(hospesd_block, control_socket_and_adoption)
{
	const char *img = image("ctl.img", 4);
	char path[192], *rep;
	const char *l;
	struct bctl_status st;
	uint64_t n;
	unsigned id = running_with_disk("c1", img);
	pid_t bb = hdfx_service_pid("blkback");
	char *log;

	snprintf(path, sizeof(path), "%s/st/blkback.sock", hdfx_dir());
	cr_assert_eq(bctl_get_status(path, 2000, &st), 0);
	cr_assert_str_eq(st.name, "hospes-blkback");
	cr_assert_geq(st.devices, 1);
	cr_assert_eq(bctl_query(path, BCTL_CMD_DEVICES, 2000, &rep), 0);
	l = strstr(rep, "dev ");
	cr_assert(l, "%s", rep);
	cr_assert_eq(bctl_line_getu(l, "domid", &n), 0);
	cr_assert_eq(n, id);
	cr_assert_eq(bctl_line_getu(l, "devid", &n), 0);
	cr_assert_eq(n, (uint64_t)XVDB);
	cr_assert_eq(bctl_line_getu(l, "state", &n), 0);
	cr_assert_eq(n, 4);
	cr_assert_eq(bctl_line_getu(l, "connected", &n), 0);
	cr_assert_eq(n, 1, "%s", rep);
	cr_assert_eq(bctl_line_getu(l, "sectors", &n), 0);
	cr_assert_eq(n, 8192);
	cr_assert_eq(bctl_line_getu(l, "reqs", &n), 0, "%s", rep);
	free(rep);
	/* a restarted hospesd adopts the running blkback (its socket answers) */
	hdfx_kill_restart();
	cr_assert_eq(hdfx_service_pid("blkback"), bb, "%s", hdfx_log());
	log = hdfx_log();
	cr_assert(strstr(log, "hospes-blkback: adopted running pid"), "%s", log);
	free(log);
	cr_assert_eq(be_state(id, XVDB), 4, "the disk was disturbed (state %d):\n%s",
		     be_state(id, XVDB), hdfx_log());
	rep = store_read(FE, id, XVDB, "/state");
	cr_assert(rep && !strcmp(rep, "4"), "the guest's side was disturbed (state %s)", rep);
	free(rep);
	json_object_put(hdfx_ok("domain.destroy", hdfx_dom("c1")));
}

Test(hospesd_block, detach_waits_for_closed)
{
	const char *img = image("det.img", 4);
	unsigned id = running_with_disk("w1", img);
	json_object *res, *st, *disks;
	char *v;

	/* nido, idle at its prompt, answers Closing with Closed */
	res = hdfx_ok("domain.block_detach", detach_params("w1", NO_TIMEOUT));
	cr_assert_eq(member(res, "forced"), 0, "%s\n%s", json_object_to_json_string(res),
		     hdfx_log());
	cr_assert(member(res, "backend_state") == 6 || member(res, "frontend_state") == 6, "%s",
		  json_object_to_json_string(res));
	cr_assert_eq(member(res, "domid"), id);
	json_object_put(res);
	/* the reply comes once the keys are gone */
	v = store_read(BE, id, XVDB, "");
	cr_assert_null(v, "backend dir left after detach");
	v = store_read(FE, id, XVDB, "");
	cr_assert_null(v, "frontend dir left after detach");
	cr_assert(hdfx_wait_state("w1", "running", 1), "%s", hdfx_log());
	st = hdfx_ok("domain.stats", hdfx_dom("w1"));
	cr_assert(json_object_object_get_ex(st, "disks", &disks));
	cr_assert_eq(json_object_array_length(disks), 0, "%s", json_object_to_json_string(st));
	json_object_put(st);
	json_object_put(hdfx_ok("domain.destroy", hdfx_dom("w1")));
}

Test(hospesd_block, detach_of_a_silent_guest_is_forced)
{
	const char *img = image("sil.img", 4);
	unsigned id = running_with_disk("s1", img);
	json_object *res;
	char *v;

	hdfx_err("domain.block_detach", detach_params("s1", -5), -32602);
	hdfx_err("domain.block_detach", detach_params("s1", 600001), -32602);
	cr_assert_eq(be_state(id, XVDB), 4, "a refused detach touched the disk");
	/* paused, it cannot answer: removed anyway after timeout_ms */
	json_object_put(hdfx_ok("domain.pause", hdfx_dom("s1")));
	res = hdfx_ok("domain.block_detach", detach_params("s1", 300));
	cr_assert_eq(member(res, "forced"), 1, "%s", json_object_to_json_string(res));
	cr_assert_eq(member(res, "backend_state"), 5, "%s", json_object_to_json_string(res));
	json_object_put(res);
	v = store_read(BE, id, XVDB, "");
	cr_assert_null(v, "backend dir left after a forced detach");
	v = store_read(FE, id, XVDB, "");
	cr_assert_null(v, "frontend dir left after a forced detach");
	hdfx_err("domain.block_detach", detach_params("s1", NO_TIMEOUT), -32602); /* gone now */
	json_object_put(hdfx_ok("domain.destroy", hdfx_dom("s1")));
}

/* Nothing of a failed create: not listed, no xenstore keys, no record. */
static void assert_nothing_left(void)
{
	json_object *res = hdfx_ok("domain.list", NULL), *doms, *p, *rep, *r, *e;
	char path[192];
	struct dirent *de;
	DIR *dd;

	cr_assert(json_object_object_get_ex(res, "domains", &doms));
	cr_assert_eq(json_object_array_length(doms), 0, "%s", json_object_to_json_string(res));
	json_object_put(res);
	p = json_object_new_object();
	json_object_object_add(p, "path", json_object_new_string("/local/domain"));
	rep = hdfx_call("store.ls", p);
	if (json_object_object_get_ex(rep, "result", &r) &&
	    json_object_object_get_ex(r, "entries", &e))
		for (size_t i = 0; i < json_object_array_length(e); i++)
			cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(e, i)),
					 "0", "%s", json_object_to_json_string(rep));
	json_object_put(rep);
	p = json_object_new_object();
	json_object_object_add(p, "path", json_object_new_string("/local/domain/0/backend/vbd"));
	rep = hdfx_call("store.ls", p);
	if (json_object_object_get_ex(rep, "result", &r) &&
	    json_object_object_get_ex(r, "entries", &e))
		cr_assert_eq(json_object_array_length(e), 0, "%s", json_object_to_json_string(rep));
	json_object_put(rep);
	snprintf(path, sizeof(path), "%s/st/domains", hdfx_dir());
	dd = opendir(path);
	while (dd && (de = readdir(dd)))
		cr_assert(!strstr(de->d_name, ".json"), "record %s left", de->d_name);
	if (dd)
		closedir(dd);
}

Test(hospesd_block, create_with_a_missing_image_fails_cleanly)
{
	char extra[512];
	const char *missing = hdfx_file("missing.img", "");
	json_object *rep, *e, *d, *v;

	unlink(missing);
	snprintf(extra, sizeof(extra),
		 ",\"disk\":[\"format=raw, vdev=xvda, access=rw, target=%s\"]", missing);
	rep = hdfx_call("domain.create", hdfx_nido_cfg("m1", "", extra));
	cr_assert(json_object_object_get_ex(rep, "error", &e), "%s",
		  json_object_to_json_string(rep));
	cr_assert_eq(member(e, "code"), -32000);
	cr_assert(json_object_object_get_ex(e, "message", &v));
	cr_assert(strstr(json_object_get_string(v), "xvda") &&
		  strstr(json_object_get_string(v), "missing.img"), "%s",
		  json_object_get_string(v));
	cr_assert(json_object_object_get_ex(e, "data", &d));
	cr_assert_eq(member(d, "errno"), ENOENT);
	json_object_put(rep);
	assert_nothing_left();
	/* a directory is no image either */
	snprintf(extra, sizeof(extra),
		 ",\"disk\":[\"format=raw, vdev=xvda, access=rw, target=%s\"]", hdfx_dir());
	cr_assert(strstr(hdfx_err("domain.create", hdfx_nido_cfg("m2", "", extra), -32000),
			 "xvda"));
	assert_nothing_left();
}

Test(hospesd_block, qcow2_refused_with_line_and_field)
{
	char text[512];
	json_object *p = json_object_new_object(), *rep, *e, *d, *v;

	snprintf(text, sizeof(text),
		 "name = \"q1\"\nmemory = 32\nkernel = \"%s\"\n"
		 "disk = [ 'format=qcow2, vdev=xvda, access=rw, target=/img/q.qcow2' ]\n",
		 harness_path("guests/nido.elf"));
	json_object_object_add(p, "config_text", json_object_new_string(text));
	rep = hdfx_call("domain.create", p);
	cr_assert(json_object_object_get_ex(rep, "error", &e), "%s",
		  json_object_to_json_string(rep));
	cr_assert_eq(member(e, "code"), -32002);
	cr_assert(json_object_object_get_ex(e, "data", &d));
	cr_assert_eq(member(d, "line"), 4, "%s", json_object_to_json_string(rep));
	cr_assert(json_object_object_get_ex(d, "field", &v));
	cr_assert_str_eq(json_object_get_string(v), "disk");
	cr_assert(json_object_object_get_ex(e, "message", &v));
	cr_assert(strstr(json_object_get_string(v), "qcow2"), "%s", json_object_get_string(v));
	json_object_put(rep);
	assert_nothing_left();
}
