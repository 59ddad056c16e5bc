/* test_config_hostile.c: the configuration parsers on mutated and random
 * input (bytes flipped, cut, repeated, huge values): every call either
 * succeeds with a valid configuration or fails with a message, never
 * crashes (run under ASan/UBSan by make test-asan). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#define HD_CONFIG_ONLY
#include "hd.h"

static const char *const seeds[] = {
	"name = \"a\"\nmemory = 64\nmaxmem = 128\nvcpus = 2\nkernel = \"/k\"\n"
	"extra = \"x=y\"\nroot = \"/dev/xvda\"\n"
	"disk = [ 'format=raw, vdev=xvda, access=rw, target=/i', '/j,,xvdb,ro' ]\n"
	"vif = [ 'mac=00:16:3e:00:00:01,bridge=br0' ]\non_crash = \"preserve\"\n",
	"{\"name\":\"a\",\"memory\":64,\"maxmem\":128,\"vcpus\":2,\"kernel\":\"/k\",\"cmdline\":\"c\","
	"\"disk\":[\"/i,raw,xvda,rw\"],\"vif\":[\"mac=00:16:3e:00:00:01\"],\"on_reboot\":\"destroy\","
	"\"xenstore\":false}",
};

static void check(const char *text)
{
	struct hd_config c;
	struct hd_cfg_error e;

	if (hd_config_parse(text, "/base", &c, &e) == 0) {
		cr_assert(c.name[0] && c.memory >= (2u << 20) && c.maxmem >= c.memory);
		cr_assert(c.vcpus >= 1 && c.vcpus <= 8 && c.kernel[0] == '/');
		cr_assert(c.nr_disks <= HD_MAX_DEVS && c.nr_vifs <= HD_MAX_DEVS);
	} else {
		cr_assert(e.msg[0], "an error without a message for: %s", text);
	}
}

Test(config_hostile, mutations)
{
	static const char pool[] = "\"'[],=#\n;{}:\\ 0123456789xvda-/\t\r";
	unsigned seed = 7;
	char buf[4096];

	for (int i = 0; i < 20000; i++) {
		const char *s = seeds[i % 2];
		size_t n = strlen(s);
		int edits = 1 + rand_r(&seed) % 4;

		memcpy(buf, s, n + 1);
		for (int k = 0; k < edits; k++) {
			size_t at = (size_t)rand_r(&seed) % n;

			switch (rand_r(&seed) % 4) {
			case 0: buf[at] = pool[rand_r(&seed) % (sizeof(pool) - 1)]; break;
			case 1: buf[at] = (char)(1 + rand_r(&seed) % 255); break;
			case 2: buf[at] = 0; n = at ? at : 1; break;
			default: /* duplicate a slice */
				if (n + 64 < sizeof(buf)) {
					memmove(buf + at + 32, buf + at, n - at + 1);
					n += 32;
				}
			}
		}
		buf[sizeof(buf) - 1] = 0;
		check(buf);
	}
}

Test(config_hostile, extremes)
{
	static char big[70000];

	memset(big, 'a', sizeof(big) - 1);
	check(big);
	memcpy(big, "name = \"", 8);
	check(big);
	big[0] = '{';
	check(big);
	check("name = 99999999999999999999999\n");
	check("memory = -1\n");
	check("{\"memory\": 1e308}");
	check("{\"name\": \"a\", \"memory\": 9223372036854775807, \"kernel\": \"/k\"}");
	check("disk = [ [ 'x' ] ]\n");
	check("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[");
	check("{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{}}}}}}}}}}}}");
	check("");
	check("\n\n\n# only comments\n");
}
