/* test_xenbus_front.c: pvabi's frontend handshake helpers (SPEC.md §17.2)
 * against a fake xenstore server: what init reads, writes and watches,
 * refusal of malformed link keys, the backend state followed through
 * watch events (waiting without a request of its own), and the publish
 * transaction redone from the start after EAGAIN. */
#include "xb_fake.h"

#include <stdio.h>

#include <pvabi.h>

#define FE "/local/domain/5/device/vbd/51712"
#define BE "/local/domain/0/backend/vbd/5/51712"

static struct {
	struct xb_store kv;
	int conflicts;      /* commits left to refuse with EAGAIN */
	int starts, writes; /* transaction starts, writes seen */
	int change_in;      /* server steps until the backend state changes */
	const char *change_to;
} S;

static void server(struct fake *f, const struct xsd_sockmsg *h, const uint8_t *p)
{
	const char *path = (const char *)p;

	switch (h->type) {
	case XS_WRITE:
		xb_serve_write(f, &S.kv, h, p);
		S.writes++;
		break;
	case XS_READ:
		xb_serve_read(f, &S.kv, h, p);
		break;
	case XS_TRANSACTION_START:
		S.starts++;
		put_msg(f, h->type, h->req_id, "7", 2);
		break;
	case XS_TRANSACTION_END:
		if (S.conflicts && !strcmp(path, "T")) {
			S.conflicts--;
			put_msg(f, XS_ERROR, h->req_id, "EAGAIN", 7);
			break;
		}
		put_msg(f, h->type, h->req_id, "OK", 3);
		break;
	case XS_WATCH:
		xb_serve_watch(f, h, p);
		break;
	default:
		put_msg(f, XS_ERROR, h->req_id, "ENOSYS", 7);
	}
}

/* The server's step, plus the backend writing its state after a while. */
static void wait_step(void *ctx)
{
	struct fake *f = ctx;

	if (S.change_in && !--S.change_in) {
		xb_set(&S.kv, BE "/state", S.change_to);
		put_event(f, BE "/state", "blk");
	}
	server_step(f);
}

static void attach(void)
{
	struct fake *f = fake_new(server, 0);

	memset(&S, 0, sizeof(S));
	pvabi_xb_attach(&f->intf, fake_notify, wait_step, f);
	xb_store_pair(&S.kv, FE, BE);
}

TestSuite(xenbus_front, .init = attach, .fini = fake_fini);

Test(xenbus_front, init_reads_links_and_watches_backend_state)
{
	struct pvabi_xenbus_front f;

	xb_set(&S.kv, FE "/state", "6"); /* left over: init must say Initialising */
	cr_assert_eq(pvabi_xenbus_front_init(&f, FE, "blk"), 0);
	cr_assert_str_eq(f.backend, BE);
	cr_assert_eq(f.backend_id, 0);
	cr_assert_str_eq(xb_get(&S.kv, FE "/state"), "1");
	cr_assert_eq(f.state, XenbusStateInitialising);
	cr_assert_eq(f.be_state, XenbusStateInitWait);
	cr_assert_eq(pvabi_xenbus_front_wait(&f, 1u << XenbusStateInitWait), XenbusStateInitWait);
}

Test(xenbus_front, malformed_links_are_refused)
{
	struct pvabi_xenbus_front f;

	xb_set(&S.kv, FE "/backend-id", "0x1");
	cr_assert_eq(pvabi_xenbus_front_init(&f, FE, "blk"), -XEN_EINVAL);
	xb_set(&S.kv, FE "/backend-id", "65535"); /* a reserved domid */
	cr_assert_eq(pvabi_xenbus_front_init(&f, FE, "blk"), -XEN_EINVAL);
	xb_set(&S.kv, FE "/backend-id", "0");
	xb_set(&S.kv, FE "/backend", "local/domain/0/backend"); /* relative */
	cr_assert_eq(pvabi_xenbus_front_init(&f, FE, "blk"), -XEN_EINVAL);
	cr_assert_eq(pvabi_xenbus_front_init(&f, FE "/nope", "blk"), -XEN_ENOENT);
}

Test(xenbus_front, wait_follows_backend_events)
{
	struct pvabi_xenbus_front f;

	cr_assert_eq(pvabi_xenbus_front_init(&f, FE, "blk"), 0);
	S.change_in = 5;
	S.change_to = "4";
	cr_assert_eq(pvabi_xenbus_front_wait(&f, 1u << XenbusStateConnected), XenbusStateConnected);
	cr_assert_eq(f.be_changes, 2); /* unknown -> InitWait -> Connected */
	/* Garbage reads as Unknown (0): never as a state it is not. */
	S.change_in = 3;
	S.change_to = "4x";
	cr_assert_eq(pvabi_xenbus_front_wait(&f, 1u << XenbusStateUnknown), XenbusStateUnknown);
	cr_assert_eq(pvabi_xenbus_front_be_num(&f, "state", 99), 99);
	xb_set(&S.kv, BE "/sectors", "18446744073709551615");
	cr_assert_eq(pvabi_xenbus_front_be_num(&f, "sectors", 0), UINT64_MAX);
	xb_set(&S.kv, BE "/sectors", "18446744073709551616"); /* overflows: refused */
	cr_assert_eq(pvabi_xenbus_front_be_num(&f, "sectors", 7), 7);
}

static int keys(struct pvabi_xenbus_front *f, uint32_t tx, void *arg)
{
	++*(int *)arg;
	cr_assert_eq(tx, 7);
	return pvabi_xenbus_front_write_num(f, tx, "ring-ref", 4096);
}

Test(xenbus_front, publish_redoes_the_transaction_on_eagain)
{
	struct pvabi_xenbus_front f;
	int calls = 0;

	cr_assert_eq(pvabi_xenbus_front_init(&f, FE, "blk"), 0);
	S.conflicts = 2;
	cr_assert_eq(pvabi_xenbus_front_publish(&f, keys, &calls), 0);
	cr_assert_eq(calls, 3);
	cr_assert_eq(S.starts, 3);
	cr_assert_str_eq(xb_get(&S.kv, FE "/ring-ref"), "4096");
	cr_assert_str_eq(xb_get(&S.kv, FE "/state"), "3");
	cr_assert_eq(f.state, XenbusStateInitialised);
}
