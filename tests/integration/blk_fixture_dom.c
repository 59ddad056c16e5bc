/* blk_fixture_dom.c: the toolstack's xenstore steps for a guest with a
 * PV disk (libxl's vbd directories and permissions, in one transaction)
 * and the host side of the disk pattern (see blk_fixture.h). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <pvabi/blk_pattern.h>
#include <pvabi/blkif.h>

#include "blk_fixture.h"
#include "harness.h"

static uint32_t tx;

static void node(struct xsc *xs, const char *path, const char *val, const struct xsc_perm *perms,
		 unsigned n)
{
	int r = val ? xsc_write_str(xs, tx, path, val) : xsc_mkdir(xs, tx, path);

	cr_assert_eq(r, 0, "write %s: %s", path, xsc_strerror(r));
	r = xsc_set_perms(xs, tx, path, perms, n);
	cr_assert_eq(r, 0, "set perms %s: %s", path, xsc_strerror(r));
}

void bfx_add_disk(struct xsc *xs, uint32_t domid, unsigned devid, const char *image, bool ro)
{
	/* libxl: the frontend dir belongs to the guest, the backend (dom0) may
	 * read it; the backend dir belongs to dom0, the guest may read it. */
	struct xsc_perm fe[2] = {{domid, XSC_NONE}, {0, XSC_READ}};
	struct xsc_perm be[2] = {{0, XSC_NONE}, {domid, XSC_READ}};
	struct xsc_perm devdir[2] = {{0, XSC_NONE}, {domid, XSC_READ}};
	char f[128], b[128], p[192], v[160];
	int r;

again:
	/* One transaction, as libxl does: a backend never sees half a device. */
	r = xsc_transaction_start(xs, &tx);
	cr_assert_eq(r, 0, "transaction: %s", xsc_strerror(r));
	snprintf(p, sizeof(p), "/local/domain/%u/device", domid);
	node(xs, p, NULL, devdir, 2);
	snprintf(p, sizeof(p), "/local/domain/%u/device/vbd", domid);
	node(xs, p, NULL, devdir, 2);
	snprintf(f, sizeof(f), "/local/domain/%u/device/vbd/%u", domid, devid);
	snprintf(b, sizeof(b), "/local/domain/0/backend/vbd/%u/%u", domid, devid);
	/* Backend dir first: a frontend requires it to exist. */
	node(xs, b, NULL, be, 2);
#define BE(key, val)                                                                               \
	do {                                                                                       \
		snprintf(p, sizeof(p), "%s/%s", b, key);                                           \
		node(xs, p, val, be, 2);                                                           \
	} while (0)
#define FE(key, val)                                                                               \
	do {                                                                                       \
		snprintf(p, sizeof(p), "%s/%s", f, key);                                           \
		node(xs, p, val, fe, 2);                                                           \
	} while (0)
	BE("frontend", f);
	snprintf(v, sizeof(v), "%u", domid);
	BE("frontend-id", v);
	BE("params", image);
	BE("mode", ro ? "r" : "w");
	BE("type", "file");
	BE("online", "1");
	BE("removable", "0");
	BE("bootable", "1");
	BE("device-type", "disk");
	snprintf(v, sizeof(v), "xvd%c", 'a' + (int)((devid >> 4) & 15));
	BE("dev", v);
	BE("state", "1");
	node(xs, f, NULL, fe, 2);
	FE("backend", b);
	FE("backend-id", "0");
	snprintf(v, sizeof(v), "%u", devid);
	FE("virtual-device", v);
	FE("device-type", "disk");
	FE("state", "1");
	r = xsc_transaction_end(xs, tx, true);
	tx = 0;
	if (r == -EAGAIN)
		goto again;
	cr_assert_eq(r, 0, "commit: %s", xsc_strerror(r));
#undef BE
#undef FE
}

uint32_t bfx_domain(struct hvctl *h, struct xsc *xs, const char *guest, uint64_t mem,
		    const char *cmdline, unsigned devid, const char *image, bool ro, bool start)
{
	char rel[128];
	struct hvctl_domain_config c = {.mem = mem, .cmdline = cmdline, .xenstore = true};
	uint32_t domid;
	int r;

	snprintf(rel, sizeof(rel), "guests/%s.elf", guest);
	c.kernel = harness_path(rel);
	r = hvctl_create(h, &c, &domid);
	cr_assert_eq(r, 0, "create %s: %s\n%s", guest, hvctl_strerror(r), dfx_log());
	gsfx_home(xs, domid, guest);
	if (image)
		bfx_add_disk(xs, domid, devid, image, ro);
	gsfx_introduce(h, xs, domid);
	if (start) {
		r = hvctl_start(h, domid);
		cr_assert_eq(r, 0, "start dom%u: %s", domid, hvctl_strerror(r));
	}
	return domid;
}

static void sector_buf(uint64_t *buf, uint64_t seed, uint64_t sector)
{
	uint64_t w = blk_pattern_word(seed, sector);

	for (unsigned i = 0; i < BLK_PATTERN_WORDS_PER_SECTOR; i++)
		buf[i] = w;
}

void bfx_fill(const char *path, uint64_t seed, uint64_t start, uint64_t count)
{
	uint64_t buf[BLK_PATTERN_WORDS_PER_SECTOR];
	int fd = open(path, O_WRONLY);

	cr_assert_geq(fd, 0);
	for (uint64_t s = start; s < start + count; s++) {
		sector_buf(buf, seed, s);
		cr_assert_eq(pwrite(fd, buf, sizeof(buf), (off_t)(s * BLKIF_SECTOR_SIZE)),
			     (ssize_t)sizeof(buf));
	}
	close(fd);
}

uint64_t bfx_check(const char *path, uint64_t seed, uint64_t start, uint64_t count)
{
	uint64_t want[BLK_PATTERN_WORDS_PER_SECTOR], got[BLK_PATTERN_WORDS_PER_SECTOR], bad = 0;
	int fd = open(path, O_RDONLY);

	cr_assert_geq(fd, 0);
	for (uint64_t s = start; s < start + count; s++) {
		sector_buf(want, seed, s);
		if (pread(fd, got, sizeof(got), (off_t)(s * BLKIF_SECTOR_SIZE)) !=
			(ssize_t)sizeof(got) ||
		    memcmp(want, got, sizeof(got)))
			bad++;
	}
	close(fd);
	return bad;
}
