/* test_tree.c: repository hygiene that keeps the tree honest: a README in
 * every source directory, ABI headers that are self-contained and named in
 * SPEC.md, and a guest library that exports only its public surface.
 * Runs from the top of the source tree (as `make test` does). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void at_top(void)
{
	cr_assert(access("Makefile", F_OK) == 0 && access("SPEC.md", F_OK) == 0,
		  "run from the top of the source tree");
}

TestSuite(tree, .init = at_top);

static int has_sources(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;
	while (d && (e = readdir(d)) && !found) {
		const char *dot = strrchr(e->d_name, '.');
		found = dot && (!strcmp(dot, ".c") || !strcmp(dot, ".S") || !strcmp(dot, ".h") ||
				!strcmp(dot, ".mk"));
	}
	if (d)
		closedir(d);
	return found;
}

/* 1 if the README.md of dir's parent names "<basename>/". */
static int covered_by_parent(const char *dir)
{
	char parent[512], needle[128], path[600];
	snprintf(parent, sizeof(parent), "%s", dir);
	char *slash = strrchr(parent, '/');
	if (!slash)
		return 0;
	*slash = '\0';
	snprintf(needle, sizeof(needle), "%s/", slash + 1);
	snprintf(path, sizeof(path), "%s/README.md", parent);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	static char text[1 << 16];
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	return strstr(text, needle) != NULL;
}

/* Walks dir: a directory holding sources needs its own README.md, or its
 * parent's README must describe it by name. */
static int check_readmes(const char *dir)
{
	int missing = 0;
	char path[512];
	snprintf(path, sizeof(path), "%s/README.md", dir);
	if (has_sources(dir) && access(path, F_OK) != 0 && !covered_by_parent(dir)) {
		cr_log_error("%s has sources but no README.md (nor a mention in its parent's)", dir);
		missing++;
	}
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		struct stat st;
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			missing += check_readmes(path);
	}
	if (d)
		closedir(d);
	return missing;
}

Test(tree, every_source_directory_has_a_readme)
{
	static const char *const tops[] = { "pvabi", "hypervisor", "guest-kernel-patches",
					     "backends", "frontends", "toolstack", "tests" };
	int missing = 0;
	for (size_t i = 0; i < sizeof(tops) / sizeof(tops[0]); i++) {
		char path[64];
		snprintf(path, sizeof(path), "%s/README.md", tops[i]);
		if (access(path, F_OK) != 0) {
			cr_log_error("%s has no README.md", tops[i]);
			missing++;
		}
		missing += check_readmes(tops[i]);
	}
	cr_assert_eq(missing, 0, "%d directories lack a README.md", missing);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	cr_assert(f, "open %s", path);
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return strdup(buf);
}

Test(tree, abi_headers_are_self_contained_and_specified)
{
	char *spec = slurp("SPEC.md");
	DIR *d = opendir("pvabi/include/pvabi");
	cr_assert(d);
	struct dirent *e;
	int headers = 0;
	while ((e = readdir(d))) {
		if (!strstr(e->d_name, ".h"))
			continue;
		headers++;
		char path[300];
		snprintf(path, sizeof(path), "pvabi/include/pvabi/%s", e->d_name);
		char *text = slurp(path);
		for (char *l = strstr(text, "#include"); l; l = strstr(l + 1, "#include")) {
			int ok = !strncmp(l, "#include <stdint.h>", 19) ||
				 !strncmp(l, "#include <stddef.h>", 19) || !strncmp(l, "#include \"", 10);
			cr_expect(ok, "%s: %.40s: ABI headers include only stdint/stddef/siblings",
				  e->d_name, l);
		}
		cr_expect(strstr(spec, e->d_name), "SPEC.md never names %s", e->d_name);
		free(text);
	}
	closedir(d);
	free(spec);
	cr_assert_gt(headers, 0);
}

Test(tree, guest_library_exports_only_its_public_surface)
{
	const char *build = getenv("HOSPES_BUILD") ? getenv("HOSPES_BUILD") : "build";
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "nm -g --defined-only %s/lib/libpvabi.a 2>/dev/null", build);
	FILE *p = popen(cmd, "r");
	cr_assert(p);
	char line[512];
	int symbols = 0;
	while (fgets(line, sizeof(line), p)) {
		char addr[64], type[8], name[256];
		if (sscanf(line, "%63s %7s %255s", addr, type, name) != 3)
			continue;
		symbols++;
		int ok = !strncmp(name, "pvabi_", 6) || !strcmp(name, "memcpy") ||
			 !strcmp(name, "memset") || !strcmp(name, "memmove") ||
			 !strcmp(name, "memcmp") || !strcmp(name, "strlen") ||
			 !strcmp(name, "strcmp") || !strcmp(name, "strncmp");
		cr_expect(ok, "libpvabi.a exports %s", name);
	}
	pclose(p);
	cr_assert_gt(symbols, 0, "no symbols read from %s/lib/libpvabi.a", build);
}
