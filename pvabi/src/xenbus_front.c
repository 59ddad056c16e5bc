/* xenbus_front.c: the frontend half of the split-driver handshake
 * (SPEC.md §17.2): find the backend, publish keys and state, follow the
 * backend's state through a watch. Every wait sleeps on the store port
 * (pvabi_xenbus_wait_event); nothing polls. */
#include <pvabi.h>

/* out = dir "/" key. No printf: this file also runs in host unit tests. */
static int join(char *out, size_t size, const char *dir, const char *key)
{
	size_t d = strlen(dir), k = strlen(key);

	if (d + 1 + k + 1 > size)
		return -XEN_EINVAL;
	memcpy(out, dir, d);
	out[d] = '/';
	memcpy(out + d + 1, key, k + 1);
	return 0;
}

/* Decimal text to a number: 0, or -EINVAL for anything else (hostile or
 * half-written values are refused, never half-parsed). */
static int parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -XEN_EINVAL;
	for (; *s; s++) {
		uint64_t d = (uint64_t)(*s - '0');

		if (*s < '0' || *s > '9' || v > (UINT64_MAX - d) / 10)
			return -XEN_EINVAL;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static int read_num(const char *path, uint64_t *out)
{
	char val[24];
	long r = pvabi_xenbus_read(0, path, val, sizeof(val));

	if (r < 0)
		return (int)r;
	if (r >= (long)sizeof(val))
		return -XEN_EINVAL;
	return parse_u64(val, out);
}

/* Watch handler: the value is read again on every event (events carry
 * only the path), so a burst of writes is seen as its latest value. */
static void on_backend_state(const char *path, const char *token, void *arg)
{
	struct pvabi_xenbus_front *f = arg;
	uint64_t v;
	int st;

	(void)path;
	(void)token;
	if (read_num(f->be_state_path, &v) || v > XenbusStateReconfigured)
		st = XenbusStateUnknown; /* gone or garbage: treat as no backend */
	else
		st = (int)v;
	if (st != f->be_state) {
		f->be_state = st;
		f->be_changes++;
	}
}

int pvabi_xenbus_front_init(struct pvabi_xenbus_front *f, const char *dir, const char *token)
{
	uint64_t id;
	long r;

	*f = (struct pvabi_xenbus_front){ .be_state = -1 };
	if (strlen(dir) >= sizeof(f->dir) || strlen(token) >= sizeof(f->token))
		return -XEN_EINVAL;
	memcpy(f->dir, dir, strlen(dir) + 1);
	memcpy(f->token, token, strlen(token) + 1);
	if ((r = pvabi_xenbus_front_read(f, 0, XENBUS_KEY_BACKEND, f->backend,
					 sizeof(f->backend))) < 0)
		return (int)r;
	if (r >= (long)sizeof(f->backend) || f->backend[0] != '/')
		return -XEN_EINVAL;
	if ((r = join(f->be_state_path, sizeof(f->be_state_path), f->backend, XENBUS_KEY_STATE)))
		return (int)r;
	{
		char p[sizeof(f->dir) + 16];

		if ((r = join(p, sizeof(p), f->dir, XENBUS_KEY_BACKEND_ID)) ||
		    (r = read_num(p, &id)))
			return (int)r;
	}
	if (id >= DOMID_FIRST_RESERVED)
		return -XEN_EINVAL;
	f->backend_id = (domid_t)id;
	if ((r = pvabi_xenbus_front_set_state(f, XenbusStateInitialising)))
		return (int)r;
	if ((r = pvabi_xenbus_watch(f->be_state_path, f->token, on_backend_state, f)))
		return (int)r;
	on_backend_state(NULL, NULL, f);
	return 0;
}

long pvabi_xenbus_front_read(struct pvabi_xenbus_front *f, uint32_t tx, const char *key,
			     char *buf, size_t size)
{
	char p[sizeof(f->dir) + 40];
	int r = join(p, sizeof(p), f->dir, key);

	return r ? r : pvabi_xenbus_read(tx, p, buf, size);
}

int pvabi_xenbus_front_write(struct pvabi_xenbus_front *f, uint32_t tx, const char *key,
			     const char *value)
{
	char p[sizeof(f->dir) + 40];
	int r = join(p, sizeof(p), f->dir, key);

	return r ? r : pvabi_xenbus_write(tx, p, value);
}

int pvabi_xenbus_front_write_num(struct pvabi_xenbus_front *f, uint32_t tx, const char *key,
				 uint64_t value)
{
	char v[24], *p = v + sizeof(v) - 1;

	*p = '\0';
	do
		*--p = (char)('0' + value % 10);
	while ((value /= 10));
	return pvabi_xenbus_front_write(f, tx, key, p);
}

uint64_t pvabi_xenbus_front_be_num(struct pvabi_xenbus_front *f, const char *key, uint64_t absent)
{
	char p[sizeof(f->backend) + 40];
	uint64_t v;

	if (join(p, sizeof(p), f->backend, key) || read_num(p, &v))
		return absent;
	return v;
}

int pvabi_xenbus_front_set_state(struct pvabi_xenbus_front *f, int state)
{
	int r = pvabi_xenbus_front_write_num(f, 0, XENBUS_KEY_STATE, (uint64_t)state);

	if (r == 0)
		f->state = state;
	return r;
}

int pvabi_xenbus_front_poll(struct pvabi_xenbus_front *f)
{
	int r = pvabi_xenbus_dispatch();

	return r < 0 ? r : f->be_state;
}

int pvabi_xenbus_front_wait(struct pvabi_xenbus_front *f, unsigned int mask)
{
	while (f->be_state < 0 || !((1u << f->be_state) & mask)) {
		int r = pvabi_xenbus_wait_event();

		if (r < 0)
			return r;
	}
	return f->be_state;
}

int pvabi_xenbus_front_publish(struct pvabi_xenbus_front *f, pvabi_xenbus_publish_fn fn,
			       void *arg)
{
	for (;;) {
		uint32_t tx;
		int r = pvabi_xenbus_transaction_start(&tx);

		if (r)
			return r;
		if ((r = fn(f, tx, arg)) ||
		    (r = pvabi_xenbus_front_write_num(f, tx, XENBUS_KEY_STATE,
						      XenbusStateInitialised))) {
			pvabi_xenbus_transaction_end(tx, 1);
			return r;
		}
		r = pvabi_xenbus_transaction_end(tx, 0);
		if (r == -XEN_EAGAIN)
			continue; /* someone wrote in between: redo it all */
		if (r == 0)
			f->state = XenbusStateInitialised;
		return r;
	}
}
