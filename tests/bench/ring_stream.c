/* ring_stream.c: `ring_stream SOCKET STATEDIR GUEST MODE CHUNKS CHUNK SLOTS`:
 * one run of the shared-ring throughput benchmark against a running
 * `hospes-hv daemon --state-dir STATEDIR` (consoles land in
 * STATEDIR/console-<domid>.log). MODE:
 *   map       the bench-ring guest streams CHUNKS chunks of CHUNK bytes to
 *             dom0 (this process), which reads them through persistent
 *             mappings of the data grants
 *   copy      the same, dom0 reading each page with a grant copy
 *   baseline  the guest makes the same copies into its own memory
 *   host      this process memcpy's the same bytes (no guest)
 * Prints "ring_mbps <MB/s>" (guest-timed for the guest modes). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ring_dom0.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;

	if (!f)
		return NULL;
	buf = calloc(1, 1 << 20);
	if (buf)
		len = fread(buf, 1, (1 << 20) - 1, f);
	fclose(f);
	if (buf)
		buf[len] = 0;
	return buf;
}

/* Polls the domain's console for text (30 s); the console, malloc'd. */
static char *console_wait(const char *dir, uint32_t dom, const char *text)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/console-%u.log", dir, dom);
	for (int i = 0; i < 3000; i++) {
		char *c = slurp(path);

		if (c && strstr(c, text))
			return c;
		free(c);
		usleep(10000);
	}
	fprintf(stderr, "ring_stream: dom %u never printed '%s'\n", dom, text);
	return NULL;
}

static double mbps(unsigned long bytes, double ns)
{
	return ns > 0 ? bytes / ns * 1e3 : 0;
}

static int host_copy(unsigned long chunks, uint32_t chunk, uint32_t slots)
{
	uint8_t *src = malloc(chunk + 512), *dst = malloc((size_t)chunk * slots);
	struct timespec a, b;

	if (!src || !dst)
		return 1;
	memset(src, 7, chunk + 512);
	memset(dst, 0, (size_t)chunk * slots);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (unsigned long s = 0; s < chunks; s++) {
		memcpy(dst + (s % slots) * chunk, src + (s & 63) * 8, chunk);
		__asm__ volatile("" : : "r"(dst) : "memory");
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("ring_mbps %.1f\n",
	       mbps(chunks * chunk, (b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)));
	free(src);
	free(dst);
	return 0;
}

/* The guest's own timing line: "<key> chunks=.. [ok=..] bytes=B ns=T". */
static int report(const char *console, const char *key)
{
	const char *p = strstr(console, key);
	unsigned long bytes, ns;

	if (!p || !(p = strstr(p, "bytes=")) || sscanf(p, "bytes=%lu ns=%lu", &bytes, &ns) != 2)
		return 1;
	printf("ring_mbps %.1f\n", mbps(bytes, (double)ns));
	return 0;
}

static int run(struct hvctl *h, char **argv)
{
	const char *dir = argv[2], *mode = argv[4];
	struct hvctl_domain_config cfg = { .kernel = argv[3], .mem = 32ull << 20, .start = true };
	char cmd[160], *out;
	struct rd0 r = { .h = h };
	int rc;

	snprintf(cmd, sizeof(cmd), "mode=%s chunks=%s chunk=%s slots=%s",
		 strcmp(mode, "baseline") ? "ring" : "baseline", argv[5], argv[6], argv[7]);
	cfg.cmdline = cmd;
	if ((rc = hvctl_create(h, &cfg, &r.dom)))
		return fprintf(stderr, "ring_stream: create: %s\n", hvctl_strerror(rc)), 1;
	if (!strcmp(mode, "baseline")) {
		if (!(out = console_wait(dir, r.dom, "RING BASELINE")))
			return 1;
		rc = report(out, "RING BASELINE");
	} else {
		if (!(out = console_wait(dir, r.dom, "RING READY")) || rd0_parse_ready(&r, out))
			return 1;
		free(out);
		r.use_copy = !strcmp(mode, "copy");
		if ((rc = rd0_attach(&r)) || (rc = rd0_serve(&r))) {
			fprintf(stderr, "ring_stream: %s\n", hvctl_strerror(rc));
			rd0_detach(&r);
			return 1;
		}
		rd0_detach(&r);
		if (r.bad || !(out = console_wait(dir, r.dom, "RING REVOKE")))
			return 1;
		rc = report(out, "RING DONE");
	}
	free(out);
	hvctl_destroy(h, r.dom);
	return rc;
}

int main(int argc, char **argv)
{
	struct hvctl *h;
	int rc;

	if (argc != 8) {
		fprintf(stderr, "usage: ring_stream SOCKET STATEDIR GUEST map|copy|baseline|host "
				"CHUNKS CHUNK SLOTS\n");
		return 2;
	}
	if (!strcmp(argv[4], "host"))
		return host_copy(strtoul(argv[5], NULL, 10), (uint32_t)strtoul(argv[6], NULL, 10),
				 (uint32_t)strtoul(argv[7], NULL, 10));
	if ((rc = hvctl_connect(argv[1], &h))) {
		fprintf(stderr, "ring_stream: %s: %s\n", argv[1], hvctl_strerror(rc));
		return 1;
	}
	rc = run(h, argv);
	hvctl_close(h);
	return rc;
}
