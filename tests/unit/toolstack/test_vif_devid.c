/* test_vif_devid.c: the devid= key of a vif spec (hospesd's network
 * attach keeps each vif's number in its spec): 0..255, decimal only. */
#include <criterion/criterion.h>

#define HD_CONFIG_ONLY
#include "hd.h"

Test(vif_devid, accepted_and_refused)
{
	char m[128];

	cr_assert_eq(hd_vif_spec_check("devid=0", m, sizeof(m)), 0, "%s", m);
	cr_assert_eq(hd_vif_spec_check("mac=00:16:3e:01:02:03, devid=255", m, sizeof(m)), 0, "%s",
		     m);
	cr_assert_eq(hd_vif_spec_check("bridge=br0,devid=7", m, sizeof(m)), 0, "%s", m);
	cr_assert_neq(hd_vif_spec_check("devid=256", m, sizeof(m)), 0);
	cr_assert(strstr(m, "devid"), "%s", m);
	cr_assert_neq(hd_vif_spec_check("devid=-1", m, sizeof(m)), 0);
	cr_assert_neq(hd_vif_spec_check("devid=1x", m, sizeof(m)), 0);
	cr_assert_neq(hd_vif_spec_check("devid=0x1", m, sizeof(m)), 0);
	cr_assert_neq(hd_vif_spec_check("devid=1000", m, sizeof(m)), 0);
	cr_assert_neq(hd_vif_spec_check("devid=", m, sizeof(m)), 0);
}
