/* test_persist.c: hospesd's crash-safe state files: complete replacement,
 * no temp file left behind, errors reported, reads bounded. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HD_CONFIG_ONLY
#include "hd.h"

static char dir[64];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/hd-persist-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(persist, .init = setup, .fini = teardown);

static unsigned entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned n = 0;

	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

Test(persist, write_replace_read)
{
	char path[128], *txt;

	snprintf(path, sizeof(path), "%s/a.json", dir);
	cr_assert_eq(hd_write_file(path, "first version, longer", 21), 0);
	cr_assert_eq(hd_write_file(path, "second", 6), 0);
	txt = hd_read_file(path, 4096);
	cr_assert_str_eq(txt, "second");
	free(txt);
	cr_assert_eq(entries(), 1, "a temp file was left behind");
	txt = hd_read_file(path, 3);
	cr_assert_str_eq(txt, "sec");
	free(txt);
}

Test(persist, errors)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/missing/a.json", dir);
	cr_assert_eq(hd_write_file(path, "x", 1), -ENOENT);
	cr_assert_null(hd_read_file(path, 10));
	cr_assert_eq(entries(), 0);
}
