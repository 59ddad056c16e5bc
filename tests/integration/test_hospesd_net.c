/* test_hospesd_net.c: network interfaces through hospesd, which runs in a
 * network namespace the test creates (hsp<pid>; the test process enters
 * it, so hospesd and its services live there; removed in every fini): it
 * supervises hospes-netback (up = its control socket answers), writes a
 * configured vif's keys at create (the spec's mac, or one derived from
 * the uuid) and removes them on destroy; a nido guest with net-up and
 * net-serve answers ping through the TAP; netback's counters show in
 * domain.stats, `hospes stats` and `top`; vifs are attached to and
 * detached from a running domain. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "hd_fixture.h"
#include "net_fixture.h"
#include "rpc.h"

static void setup(void)
{
	harness_require_kvm();
	nfx_ns_create();
	/* From here on this process and what it starts (hospesd, its
	 * services, ping) are inside the namespace. */
	nfx_ns_enter();
	hdfx_start();
}

static void teardown(void)
{
	hdfx_stop_clean();
	nfx_ns_remove();
}

TestSuite(hospesd_net, .init = setup, .fini = teardown, .timeout = 180);

static char *store_read(const char *fmt, unsigned domid, const char *key)
{
	char path[192];

	snprintf(path, sizeof(path), fmt, domid, key);
	return hdfx_store_read(path);
}

#define BE "/local/domain/0/backend/vif/%u/0%s"
#define FE "/local/domain/%u/device/vif/0%s"

static int wait_gone(const char *fmt, unsigned domid, int ms)
{
	char path[192];

	snprintf(path, sizeof(path), fmt, domid, "");
	return hdfx_wait_gone(path, ms);
}

/* Vif 0's directories and its TAP go (after what: a destroy, a detach). */
static void expect_vif0_gone(unsigned id, const char *what)
{
	cr_assert(wait_gone(BE, id, 2000), "backend dir left after %s", what);
	cr_assert(wait_gone(FE, id, 2000), "frontend dir left after %s", what);
	for (int i = 0; i < 100 && nfx_sh("ip link show vif%u.0 >/dev/null 2>&1", id) == 0; i++)
		usleep(50000);
	cr_assert_neq(nfx_sh("ip link show vif%u.0 >/dev/null 2>&1", id), 0, "TAP left after %s",
		      what);
}

static int tap_up(unsigned dom)
{
	return nfx_sh("ip -o link show vif%u.0 2>/dev/null | grep -q '[<,]UP[,>]'", dom) == 0;
}

Test(hospesd_net, netback_supervised)
{
	hdfx_expect_service_restart("netback");
}

/* The spec's mac; the guest answers ping; counters; destroy removes the
 * keys and the TAP. */
Test(hospesd_net, vif_from_config_ping_stats_destroy)
{
	json_object *st, *nics, *k, *x;
	struct hdfx_run r;
	unsigned id;
	char *v;

	json_object_put(hdfx_ok(
	    "domain.create",
	    hdfx_nido_cfg("n1", "script=net-up 10.201.5.2/24; net-serve 60; poweroff",
			  ",\"vif\":[\"mac=00:16:3e:12:34:56\"]")));
	id = hdfx_domid("n1");
	v = store_read(BE, id, "/mac");
	cr_assert(v && !strcmp(v, "00:16:3e:12:34:56"), "mac %s", v ? v : "(none)");
	free(v);
	v = store_read(FE, id, "/mac");
	cr_assert(v && !strcmp(v, "00:16:3e:12:34:56"), "frontend mac %s", v ? v : "(none)");
	free(v);
	v = store_read(FE, id, "/handle");
	cr_assert(v && !strcmp(v, "0"));
	free(v);
	for (int i = 0; i < 100 && !tap_up(id); i++)
		usleep(50000);
	cr_assert(tap_up(id), "no TAP vif%u.0:\n%s", id, hdfx_log());
	cr_assert_eq(nfx_sh("ip addr add 10.201.5.1/24 dev vif%u.0", id), 0);
	/* The guest may still be booting: a few rounds. */
	for (int i = 0; i < 15 && nfx_sh("ping -q -n -c 1 -W 2 10.201.5.2 >/dev/null 2>&1"); i++)
		;
	cr_assert_eq(nfx_sh("ping -q -n -c 3 -W 2 10.201.5.2 >/dev/null 2>&1"), 0,
		     "no ping reply from the guest:\n%s", hdfx_log());
	usleep(300000); /* netback's stats every 100 ms */
	st = hdfx_ok("domain.stats", hdfx_dom("n1"));
	cr_assert(json_object_object_get_ex(st, "nics", &nics));
	cr_assert_eq(json_object_array_length(nics), 1, "%s", json_object_to_json_string(st));
	k = json_object_array_get_idx(nics, 0);
	cr_assert(json_object_object_get_ex(k, "tx_packets", &x));
	cr_assert_geq(json_object_get_int64(x), 3, "%s", json_object_to_json_string(st));
	cr_assert(json_object_object_get_ex(k, "rx_packets", &x));
	cr_assert_geq(json_object_get_int64(x), 3);
	cr_assert(json_object_object_get_ex(k, "connected", &x));
	cr_assert_eq(json_object_get_int64(x), 1);
	json_object_put(st);
	r = hdfx_cli((const char *[]){ "stats", "n1", NULL });
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "vif 0 vif") && strstr(r.out, "00:16:3e:12:34:56: tx_packets="),
		  "%s", r.out);
	r = hdfx_cli((const char *[]){ "top", "--iterations", "1", NULL });
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "NET_TX") && strstr(r.out, "NET_RX"), "%s", r.out);
	json_object_put(hdfx_ok("domain.destroy", hdfx_dom("n1")));
	expect_vif0_gone(id, "destroy");
}

/* Without mac=: 00:16:3e and three bytes from the uuid, the same in both
 * directories; a bridge named in the spec is written for the backend. */
Test(hospesd_net, generated_mac_and_bridge)
{
	unsigned id;
	char *b, *f;

	cr_assert_eq(nfx_sh("ip link add hspbr0 type bridge && ip link set hspbr0 up"), 0);
	json_object_put(hdfx_ok("domain.create",
				hdfx_nido_cfg("n2", "", ",\"vif\":[\"bridge=hspbr0\"]")));
	id = hdfx_domid("n2");
	b = store_read(BE, id, "/mac");
	f = store_read(FE, id, "/mac");
	cr_assert(b && f && !strcmp(b, f), "%s / %s", b ? b : "-", f ? f : "-");
	cr_assert_eq(strncmp(b, "00:16:3e:", 9), 0, "%s", b);
	cr_assert_eq(strlen(b), 17);
	free(b);
	free(f);
	b = store_read(BE, id, "/bridge");
	cr_assert(b && !strcmp(b, "hspbr0"));
	free(b);
	for (int i = 0; i < 100 && nfx_sh("ip -o link show vif%u.0 | grep -q 'master hspbr0'", id);
	     i++)
		usleep(50000);
	cr_assert_eq(nfx_sh("ip -o link show vif%u.0 | grep -q 'master hspbr0'", id), 0,
		     "vif%u.0 not in the bridge:\n%s", id, hdfx_log());
	json_object_put(hdfx_ok("domain.destroy", hdfx_dom("n2")));
}

/* Attach to a running domain (the lowest free devid, or the spec's; a
 * taken one is refused), detach (keys and TAP go, the record forgets it). */
Test(hospesd_net, attach_detach)
{
	json_object *p, *res, *v, *st, *nics;
	unsigned id;
	char *s;

	json_object_put(hdfx_ok("domain.create", hdfx_nido_cfg("n3", "", "")));
	id = hdfx_domid("n3");
	p = hdfx_dom("n3");
	json_object_object_add(p, "spec", json_object_new_string("mac=00:16:3e:aa:00:01"));
	res = hdfx_ok("domain.network_attach", p);
	cr_assert(json_object_object_get_ex(res, "devid", &v));
	cr_assert_eq(json_object_get_int(v), 0);
	cr_assert(json_object_object_get_ex(res, "mac", &v));
	cr_assert_str_eq(json_object_get_string(v), "00:16:3e:aa:00:01");
	json_object_put(res);
	p = hdfx_dom("n3");
	json_object_object_add(p, "spec", json_object_new_string("devid=0"));
	hdfx_err("domain.network_attach", p, RPC_EXISTS);
	p = hdfx_dom("n3");
	json_object_object_add(p, "spec", json_object_new_string(""));
	res = hdfx_ok("domain.network_attach", p);
	cr_assert(json_object_object_get_ex(res, "devid", &v));
	cr_assert_eq(json_object_get_int(v), 1);
	json_object_put(res);
	s = store_read("/local/domain/0/backend/vif/%u/1%s", id, "/mac");
	cr_assert(s && !strncmp(s, "00:16:3e:", 9), "%s", s ? s : "(none)");
	free(s);
	for (int i = 0; i < 100 && !tap_up(id); i++)
		usleep(50000);
	cr_assert(tap_up(id), "no TAP vif%u.0:\n%s", id, hdfx_log());
	p = hdfx_dom("n3");
	json_object_object_add(p, "devid", json_object_new_int(0));
	json_object_object_add(p, "timeout_ms", json_object_new_int(1000));
	json_object_put(hdfx_ok("domain.network_detach", p));
	expect_vif0_gone(id, "detach");
	st = hdfx_ok("domain.stats", hdfx_dom("n3"));
	cr_assert(json_object_object_get_ex(st, "nics", &nics));
	cr_assert_eq(json_object_array_length(nics), 1, "%s", json_object_to_json_string(st));
	cr_assert(json_object_object_get_ex(json_object_array_get_idx(nics, 0), "devid", &v));
	cr_assert_eq(json_object_get_int(v), 1);
	json_object_put(st);
	p = hdfx_dom("n3");
	json_object_object_add(p, "devid", json_object_new_int(0));
	hdfx_err("domain.network_detach", p, RPC_INVALID_PARAMS);
	json_object_put(hdfx_ok("domain.destroy", hdfx_dom("n3")));
}
