/* blk.c: nido's glue for blkfront (fe_os.h) and its one disk. Pages come
 * from a bump allocator over the RAM above the image (nido frees nothing);
 * the device's port stays masked and is waited on with SCHEDOP_poll
 * together with the store port, so neither an upcall nor a polling loop
 * runs per request. */
#include "nido.h"
#include "nido_blk.h"

#define PAGE 4096ull

static uint64_t heap_next, heap_end;
static uint32_t store_port;
static struct blkfront dev;
static int dev_state; /* 0 not tried, 1 connected, -errno failed */
uint64_t nido_blk_wait_ns;

/* The RAM entry holding the image: from its end up to the entry's end
 * (capped at 4 GiB, the identity map). */
static int heap_init(void)
{
	const struct pvabi_boot *b = pvabi_boot_info();
	uint64_t start = (b->image_end + PAGE - 1) & ~(PAGE - 1);

	if (heap_end)
		return 0; /* already set up (the network device shares the heap) */
	for (uint32_t i = 0; i < b->memmap_entries; i++) {
		const struct hvm_memmap_table_entry *e = &b->memmap[i];

		if (e->type != 1 || start < e->addr || start >= e->addr + e->size)
			continue;
		heap_next = start;
		heap_end = e->addr + e->size;
		if (heap_end > (1ull << 32))
			heap_end = 1ull << 32;
		return 0;
	}
	return -XEN_ENOMEM;
}

/* Contents are left as they are: clearing megabytes in emulated kernel
 * mode would cost more than the disk does; blkfront never needs zeros. */
static void *os_alloc_pages(void *ctx, unsigned int order)
{
	uint64_t size = PAGE << order;
	void *p;

	(void)ctx;
	if (heap_end - heap_next < size)
		return NULL;
	p = (void *)(uintptr_t)heap_next;
	heap_next += size;
	return p;
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

	if (!(*w & bit))
		return 0;
	__atomic_fetch_and(w, ~bit, __ATOMIC_SEQ_CST);
	return 1;
}

static int os_wait(void *ctx, evtchn_port_t port)
{
	uint32_t ports[2] = { port, store_port };
	struct sched_poll p = { .nr_ports = 2 };
	uint64_t t0 = pvabi_time_ns();

	(void)ctx;
	p.ports = ports;
	pvabi_sched_op(SCHEDOP_poll, &p);
	nido_blk_wait_ns += pvabi_time_ns() - t0;
	take_pending(port);
	return take_pending(store_port);
}

static const struct fe_os nido_fe_os = {
	.alloc_pages = os_alloc_pages,
	.bind = os_bind,
	.wait = os_wait,
};

void *nido_blk_alloc(unsigned int order)
{
	if (heap_init())
		return NULL;
	return os_alloc_pages(NULL, order);
}

/* Between shell commands: a disk the toolstack detaches (backend
 * Closing) is let go (frontend Closed); the next blk-* command looks for
 * a disk again. */
void nido_blk_idle(void)
{
	if (dev_state <= 0)
		return;
	pvabi_xenbus_dispatch(); /* events queued while a command waited for a reply */
	/* closed already if a command saw Closing first */
	if (!dev.closed && dev.xb.be_state != XenbusStateClosing)
		return;
	blkfront_close(&dev);
	dev_state = 0;
	pvabi_printf("blk: %s closed: the backend is closing (detach)\n", dev.xb.dir);
}

/* Connects the first device under device/vbd (or blk-dev=ID) on first
 * use. Options: blk-order=N (ring pages 2^N, default 2), blk-pool=PAGES
 * (persistent pool pages, default 512, rounded down to a power of two
 * the grant table can hold). */
struct blkfront *nido_blk_dev(void)
{
	const struct pvabi_boot *b = pvabi_boot_info();
	static char names[256], dir[300];
	struct xen_hvm_param prm = { .domid = DOMID_SELF, .index = HVM_PARAM_STORE_EVTCHN };
	long id = pvabi_cmdline_num(b->cmdline, "blk-dev", -1);
	unsigned long want, avail, pool = 1;
	long r;

	if (dev_state)
		return dev_state > 0 ? &dev : NULL;
	if ((r = nido_events_init()) || (r = pvabi_xenbus_init()) || (r = heap_init()) ||
	    (r = pvabi_hvm_op(HVMOP_get_param, &prm)))
		goto out;
	store_port = (uint32_t)prm.value;
	if (id >= 0) {
		pvabi_snprintf(dir, sizeof(dir), "device/vbd/%ld", id);
	} else if ((r = pvabi_xenbus_directory(0, "device/vbd", names, sizeof(names))) <= 0) {
		r = r ? r : -XEN_ENODEV;
		goto out;
	} else {
		pvabi_snprintf(dir, sizeof(dir), "device/vbd/%s", names); /* the first child */
	}
	if (!pvabi_gnttab_table()) {
		void *frames = nido_blk_alloc(2);

		/* As many table frames as the hypervisor allows (up to 4). */
		r = -XEN_ENOMEM;
		for (unsigned int n = PVABI_GNTTAB_MAX_FRAMES; frames && r && n; n /= 2)
			r = pvabi_gnttab_init((uintptr_t)frames >> 12, n);
		if (r)
			goto out;
	}
	/* The pool is a power of two that leaves refs for the ring, the
	 * indirect pages and other users. */
	want = (unsigned long)pvabi_cmdline_num(b->cmdline, "blk-pool", 512);
	avail = pvabi_gnttab_nr_refs() > 200 + BLKFRONT_MAX_IDS
			? pvabi_gnttab_nr_refs() - 200 - BLKFRONT_MAX_IDS : 1;
	while (pool * 2 <= want && pool * 2 <= avail)
		pool *= 2;
	r = blkfront_init(&dev, &nido_fe_os, dir,
			  (unsigned int)pvabi_cmdline_num(b->cmdline, "blk-order", 2),
			  (unsigned int)pool);
out:
	dev_state = r ? (int)r : 1;
	if (r) {
		pvabi_printf("blk: no disk: %ld\n", r);
		return NULL;
	}
	pvabi_printf("blk: connected %s sectors=%lu ring-order=%u slots=%u ids=%u indirect=%u\n",
		     dir, (unsigned long)dev.info.sectors, dev.info.ring_order, dev.info.ring_slots,
		     dev.info.nr_ids, dev.info.max_indirect);
	return &dev;
}
