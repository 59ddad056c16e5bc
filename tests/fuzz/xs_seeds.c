/* xs_seeds.c: writes the seed corpus of fuzz_xs_request into a directory:
 * one valid request of every message type, and a few sequences (a
 * transaction, a watch fired by a write, permissions, a guest's requests),
 * in the fuzz target's input format (control byte, then messages). */
#include <stdio.h>
#include <string.h>

#include <pvabi/xs_wire.h>

#define P(lit) lit, sizeof(lit) - 1 /* payload with its explicit NULs */

struct msg {
	uint32_t type, tx;
	const char *payload;
	size_t len;
};

struct seed {
	const char *name;
	unsigned char ctl; /* bit 7: guest connection; bits 0-6: chunk size */
	struct msg m[4];
};

static const struct seed seeds[] = {
	{ "control", 0, { { XS_CONTROL, 0, P("print\0hello\0") } } },
	{ "directory", 0, { { XS_DIRECTORY, 0, P("/local/domain\0") } } },
	{ "read", 0, { { XS_READ, 0, P("/local/domain/0/name\0") } } },
	{ "get_perms", 0, { { XS_GET_PERMS, 0, P("/local\0") } } },
	{ "watch", 0, { { XS_WATCH, 0, P("/w\0tok\0") }, { XS_WRITE, 0, P("/w/a\0v") } } },
	{ "unwatch", 0, { { XS_WATCH, 0, P("/w\0t\0") }, { XS_UNWATCH, 0, P("/w\0t\0") } } },
	{ "transaction", 0,
	  { { XS_TRANSACTION_START, 0, P("\0") }, { XS_WRITE, 1, P("/t\0x") },
	    { XS_TRANSACTION_END, 1, P("T\0") } } },
	{ "introduce", 0, { { XS_INTRODUCE, 0, P("3\0001044476\0005\0") } } },
	{ "release", 0, { { XS_INTRODUCE, 0, P("4\0001\0002\0") }, { XS_RELEASE, 0, P("4\0") } } },
	{ "get_domain_path", 0, { { XS_GET_DOMAIN_PATH, 0, P("7\0") } } },
	{ "write", 0, { { XS_WRITE, 0, P("/a/b/c\0value") } } },
	{ "mkdir", 0, { { XS_MKDIR, 0, P("/m/n\0") } } },
	{ "rm", 0, { { XS_WRITE, 0, P("/r/x\0") }, { XS_RM, 0, P("/r\0") } } },
	{ "set_perms", 0, { { XS_WRITE, 0, P("/p\0") }, { XS_SET_PERMS, 0, P("/p\0n1\0r0\0") } } },
	{ "is_introduced", 0, { { XS_IS_DOMAIN_INTRODUCED, 0, P("1\0") } } },
	{ "resume", 0, { { XS_RESUME, 0, P("1\0") } } },
	{ "set_target", 0, { { XS_SET_TARGET, 0, P("2\0001\0") } } },
	{ "reset_watches", 0, { { XS_RESET_WATCHES, 0, P("\0") } } },
	{ "directory_part", 0, { { XS_DIRECTORY_PART, 0, P("/local\0000\0") } } },
	{ "special_watch", 0, { { XS_WATCH, 0, P("@releaseDomain\0r\0") } } },
	{ "guest_relative", 0x80,
	  { { XS_WRITE, 0, P("device/vbd/0\0x") }, { XS_READ, 0, P("device/vbd/0\0") },
	    { XS_WATCH, 0, P("control\0c\0") } } },
	{ "split_read", 3, { { XS_READ, 0, P("/local/domain/0/name\0") } } },
};

static int write_seed(const char *dir, const struct seed *s)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, s->name);
	f = fopen(path, "wb");
	if (!f)
		return -1;
	fputc(s->ctl, f);
	for (int i = 0; i < 4 && s->m[i].payload; i++) {
		struct xsd_sockmsg h = { .type = s->m[i].type,
					 .req_id = (uint32_t)i + 1,
					 .tx_id = s->m[i].tx,
					 .len = (uint32_t)s->m[i].len };

		fwrite(&h, sizeof(h), 1, f);
		fwrite(s->m[i].payload, 1, s->m[i].len, f);
	}
	return fclose(f);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: xs_seeds DIR\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		if (write_seed(argv[1], &seeds[i])) {
			perror(argv[1]);
			return 1;
		}
	}
	return 0;
}
