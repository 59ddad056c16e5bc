/* net.c: nido's glue for netfront (fe_os.h) and its one network device,
 * vif 0. Pages come from the bump heap blk.c keeps; the device's port
 * stays masked and is waited on with SCHEDOP_poll together with the store
 * port (and a timeout when a command has a deadline), so nothing spins and
 * no upcall runs per frame. */
#include "nido.h"
#include "nido_blk.h"
#include "nido_net.h"

#include <netfront.h>

#define NET_DIR "device/vif/0"
#define NET_BUDGET 64u

static struct netfront dev;
static struct nido_ip ip;
static int dev_state; /* 0 not tried, 1 set up, -errno failed */
static uint32_t store_port;

static void *os_alloc_pages(void *ctx, unsigned int order)
{
	(void)ctx;
	return nido_blk_alloc(order);
}

static void os_bind(void *ctx, evtchn_port_t port)
{
	(void)ctx;
	pvabi_evtchn_mask(port);
}

static int take_pending(uint32_t port)
{
	volatile uint64_t *w = &pvabi_shared_info()->evtchn_pending[port / 64];
	uint64_t bit = 1ull << (port % 64);

	if (!port || !(*w & bit))
		return 0;
	__atomic_fetch_and(w, ~bit, __ATOMIC_SEQ_CST);
	return 1;
}

/* Sleeps until the device's port, the store port or deadline_ns (0: none). */
static int poll_ports(uint64_t deadline_ns)
{
	uint32_t ports[2] = {store_port, dev.port};
	struct sched_poll p = {.nr_ports = dev.port ? 2 : 1, .timeout = deadline_ns};

	p.ports = ports;
	pvabi_sched_op(SCHEDOP_poll, &p);
	take_pending(dev.port);
	return take_pending(store_port);
}

static int os_wait(void *ctx, evtchn_port_t port)
{
	(void)ctx;
	(void)port;
	return poll_ports(0);
}

static const struct fe_os nido_net_os = {
    .alloc_pages = os_alloc_pages,
    .bind = os_bind,
    .wait = os_wait,
};

static uint8_t *ip_tx_begin(void *ctx)
{
	return netfront_tx_begin(ctx);
}

static int ip_tx_commit(void *ctx, uint32_t len)
{
	return netfront_tx_commit(ctx, len);
}

static void on_frame(void *arg, const uint8_t *frame, uint32_t len)
{
	nido_ip_input(arg, frame, len);
}

struct netfront *nido_net_dev(void)
{
	return dev_state > 0 ? &dev : NULL;
}

struct nido_ip *nido_net_ip(void)
{
	return &ip;
}

uint32_t nido_net_port(void)
{
	return dev_state > 0 ? dev.port : 0;
}

/* Events, xenstore, the grant table (as blk.c sets it up when it is
 * first), then the device. */
static long setup(void)
{
	struct xen_hvm_param prm = {.domid = DOMID_SELF, .index = HVM_PARAM_STORE_EVTCHN};
	long r;

	if (dev_state)
		return dev_state > 0 ? 0 : dev_state;
	if ((r = nido_events_init()) || (r = pvabi_xenbus_init()) ||
	    (r = pvabi_hvm_op(HVMOP_get_param, &prm)))
		goto out;
	store_port = (uint32_t)prm.value;
	if (!pvabi_gnttab_table()) {
		void *frames = nido_blk_alloc(2);

		r = -XEN_ENOMEM;
		for (unsigned int n = PVABI_GNTTAB_MAX_FRAMES; frames && r && n; n /= 2)
			r = pvabi_gnttab_init((uintptr_t)frames >> 12, n);
		if (r)
			goto out;
	}
	r = netfront_init(&dev, &nido_net_os, NET_DIR);
	if (r == 0) {
		ip.ops = (struct nido_ip_ops){ip_tx_begin, ip_tx_commit, &dev};
		memcpy(ip.mac, dev.mac, 6);
		ip.ip_id = 1;
	}
out:
	/* No vif directory (yet): the next net-up looks again. */
	dev_state = r == -XEN_ENOENT ? 0 : r ? (int)r : 1;
	return r;
}

long nido_net_connect(unsigned long timeout_ms)
{
	uint64_t deadline = pvabi_time_ns() + timeout_ms * 1000000ull;
	long r = setup();

	while (r == 0) {
		if ((r = netfront_check(&dev)) < 0)
			break;
		if (r == NETFRONT_CONNECTED)
			return 0;
		if (pvabi_time_ns() >= deadline)
			return -XEN_ETIMEDOUT;
		r = 0;
		poll_ports(deadline);
	}
	return r;
}

void nido_net_service(void)
{
	if (dev_state <= 0)
		return;
	netfront_check(&dev);
	while (netfront_poll(&dev, on_frame, &ip, NET_BUDGET) > 0)
		;
	netfront_push(&dev);
}

int nido_net_busy(void)
{
	if (dev_state <= 0)
		return 0;
	nido_net_service();
	return netfront_pending(&dev, 0);
}

void nido_net_serve_until(uint64_t deadline_ns, const int *flag)
{
	if (dev_state <= 0)
		return;
	for (;;) {
		nido_net_service();
		if ((flag && *(const volatile int *)flag) || pvabi_time_ns() >= deadline_ns)
			return;
		if (!netfront_pending(&dev, 0))
			poll_ports(deadline_ns);
	}
}

void nido_net_wait_tx(uint64_t deadline_ns)
{
	if (dev_state <= 0)
		return;
	if (!netfront_pending(&dev, 1))
		poll_ports(deadline_ns);
	nido_net_service();
}

void nido_net_sleep(unsigned long ms)
{
	nido_net_serve_until(pvabi_time_ns() + ms * 1000000ull, NULL);
}
