/* test_cmdline.c: pvabi's command-line option helpers (the same source
 * the guests link, compiled for the host). */
#include <criterion/criterion.h>
#include <string.h>

int pvabi_cmdline_get(const char *cmdline, const char *key, char *buf, size_t size);
long pvabi_cmdline_num(const char *cmdline, const char *key, long absent);
int pvabi_cmdline_has(const char *cmdline, const char *word);

Test(cmdline, get_finds_whole_keys_only)
{
	char v[8];

	cr_assert_eq(pvabi_cmdline_get("a=1 shutdown=reboot", "shutdown", v, sizeof(v)), 1);
	cr_assert_str_eq(v, "reboot");
	cr_assert_eq(pvabi_cmdline_get("xshutdown=1", "shutdown", v, sizeof(v)), 0);
	cr_assert_eq(pvabi_cmdline_get("shutdown", "shutdown", v, sizeof(v)), 0, "no '='");
	cr_assert_eq(pvabi_cmdline_get("  k=", "k", v, sizeof(v)), 1);
	cr_assert_str_eq(v, "");
	cr_assert_eq(pvabi_cmdline_get("", "k", v, sizeof(v)), 0);
}

Test(cmdline, get_truncates_to_the_buffer)
{
	char v[4];

	cr_assert_eq(pvabi_cmdline_get("k=abcdefgh x=1", "k", v, sizeof(v)), 1);
	cr_assert_str_eq(v, "abc");
	cr_assert_eq(pvabi_cmdline_get("k=abc", "k", NULL, 0), 1, "presence test only");
}

Test(cmdline, num_reads_leading_digits_or_gives_the_default)
{
	cr_assert_eq(pvabi_cmdline_num("n=20000 m=7", "n", -1), 20000);
	cr_assert_eq(pvabi_cmdline_num("n=12x", "n", -1), 12);
	cr_assert_eq(pvabi_cmdline_num("n=x", "n", -1), -1);
	cr_assert_eq(pvabi_cmdline_num("n=", "n", 5), 5);
	cr_assert_eq(pvabi_cmdline_num("nn=3", "n", 5), 5);
	cr_assert_eq(pvabi_cmdline_num("a=1 n=0", "n", 5), 0);
}

Test(cmdline, has_matches_whole_words)
{
	cr_assert(pvabi_cmdline_has("role=server peer=2", "role=server"));
	cr_assert(pvabi_cmdline_has("peer=2 mode=spin", "mode=spin"));
	cr_assert(!pvabi_cmdline_has("mode=spinning", "mode=spin"));
	cr_assert(!pvabi_cmdline_has("xmode=spin", "mode=spin"));
	cr_assert(!pvabi_cmdline_has("", "mode=spin"));
}
