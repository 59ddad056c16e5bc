/* xs_persist.c: the tree survives a restart: saved to <state-dir>/tree
 * shortly after changes (temp file, fsync, rename, fsync of the directory,
 * so a crash leaves the old or the new file, never a torn one) and loaded
 * at start. Domains and connections are not saved: the toolstack
 * introduces its domains again.
 *
 * Format (text): "hospes-stored tree 1\n", then one line per node in
 * pre-order, "<path> <perm>[,<perm>...] <value as hex, or ->\n", then
 * "end\n". A file without the end line is not loaded. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xs_persist.h"

#define XS_PERSIST_MAGIC "hospes-stored tree 1\n"
#define XS_PERSIST_DELAY_MS 50
#define XS_PERSIST_MAX_FILE (256l << 20)

static const char *dir;
static char file_path[4096], tmp_path[4096];
static uint64_t saved_gen;
static uv_prepare_t prep;
static uv_timer_t timer;

static int put_node(FILE *f, const struct xs_node *n, char *path, size_t plen)
{
	static char perms[XS_PERSIST_PERMS_MAX];
	char *p;
	size_t len;

	if (plen == 0)
		strcpy(path, "/");
	len = xs_perms_format(&n->perms, perms, sizeof(perms));
	if (len > sizeof(perms) || len == 0)
		return -1;
	/* NUL-separated entries -> commas, the last NUL ends the string. */
	for (p = perms; p < perms + len - 1; p++)
		if (*p == '\0')
			*p = ',';
	fprintf(f, "%s %s ", path, perms);
	if (!n->vlen)
		fputc('-', f);
	for (uint32_t i = 0; i < n->vlen; i++)
		fprintf(f, "%02x", (unsigned char)n->value[i]);
	fputc('\n', f);
	for (uint32_t i = 0; i < n->nkids; i++) {
		size_t kl = strlen(n->kids[i]->name);
		if (plen + 1 + kl >= XS_PATH_BUF)
			return -1;
		path[plen] = '/';
		memcpy(path + plen + 1, n->kids[i]->name, kl + 1);
		if (put_node(f, n->kids[i], path, plen + 1 + kl) < 0)
			return -1;
	}
	path[plen] = '\0';
	return ferror(f) ? -1 : 0;
}

int xs_persist_save(void)
{
	static char path[XS_PATH_BUF];
	FILE *f;
	int fd, ok;

	if (!dir)
		return 0;
	fd = open(tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		xs_log(NULL, "cannot write %s: %s", tmp_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	path[0] = '\0';
	fputs(XS_PERSIST_MAGIC, f);
	ok = put_node(f, xs_view_live_root(), path, 0) == 0;
	fputs("end\n", f);
	ok = ok && fflush(f) == 0 && fsync(fd) == 0;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp_path, file_path) < 0) {
		xs_log(NULL, "cannot save the tree to %s: %s", file_path, strerror(errno));
		unlink(tmp_path);
		return -1;
	}
	/* The rename itself must reach the disk. */
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	saved_gen = xs_gen_counter;
	return 0;
}

static void on_timer(uv_timer_t *t)
{
	xs_persist_save();
}

/* Before the loop sleeps: a change since the last save arms the timer. */
static void on_prepare(uv_prepare_t *p)
{
	if (xs_gen_counter != saved_gen && !uv_is_active((uv_handle_t *)&timer))
		uv_timer_start(&timer, on_timer, XS_PERSIST_DELAY_MS, 0);
}

int xs_persist_start(uv_loop_t *loop, const char *state_dir)
{
	if (snprintf(file_path, sizeof(file_path), "%s/tree", state_dir) >= (int)sizeof(file_path) ||
	    snprintf(tmp_path, sizeof(tmp_path), "%s/tree.tmp", state_dir) >= (int)sizeof(tmp_path))
		return -1;
	dir = state_dir;
	saved_gen = xs_gen_counter;
	uv_prepare_init(loop, &prep);
	uv_prepare_start(&prep, on_prepare);
	uv_timer_init(loop, &timer);
	return 0;
}

void xs_persist_stop(void)
{
	if (!dir)
		return;
	if (xs_gen_counter != saved_gen)
		xs_persist_save();
	uv_timer_stop(&timer);
	uv_prepare_stop(&prep);
	uv_close((uv_handle_t *)&timer, NULL);
	uv_close((uv_handle_t *)&prep, NULL);
	dir = NULL;
}

/* Reads the whole file; NULL if missing (errno ENOENT) or unreadable. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && n <= XS_PERSIST_MAX_FILE &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) &&
	    fread(buf, 1, (size_t)n, f) == (size_t)n) {
		buf[n] = '\0';
		*len = (size_t)n;
	} else {
		free(buf);
		buf = NULL;
		errno = EIO;
	}
	fclose(f);
	return buf;
}

/* Keeps a file we cannot use for a human to look at; the next save
 * would overwrite it otherwise. */
static void move_aside(const char *path)
{
	char bad[4200];

	snprintf(bad, sizeof(bad), "%s.bad", path);
	if (rename(path, bad) == 0)
		xs_log(NULL, "moved it to %s", bad);
}

int xs_persist_load(const char *state_dir)
{
	char path[4096], *buf;
	size_t len = 0;
	int r;

	if (snprintf(path, sizeof(path), "%s/tree", state_dir) >= (int)sizeof(path))
		return -1;
	buf = slurp(path, &len);
	if (!buf) {
		if (errno == ENOENT)
			return 0;
		xs_log(NULL, "cannot read %s: %s", path, strerror(errno));
		move_aside(path);
		return -1;
	}
	r = xs_persist_parse(buf, len);
	free(buf);
	if (r < 0) {
		xs_log(NULL, "%s is not a saved tree: starting with the initial tree", path);
		move_aside(path);
		xs_store_init();
		return -1;
	}
	xs_log(NULL, "loaded %d nodes from %s", r, path);
	return r;
}
