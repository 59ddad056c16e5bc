/* nb_tx.c: the guest's packets (TX ring) to the TAP. Each turn copies the
 * published slots out of shared memory once, splits them into packets
 * (chains of NETTXF_more_data), checks the copies, maps every grant of
 * the batch with one hospes-hv call (read-only), gathers each packet into
 * one frame written to the TAP, unmaps with one call and answers every
 * slot. Grants are not kept mapped: a frontend may end its grants any
 * time after the response. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <pvabi/grant_table.h>

#include "hvctl.h"
#include "nb.h"

struct pkt {
	unsigned first, n; /* slots [first, first + n) of the batch */
	unsigned first_len;
	int status; /* NETIF_RSP_* */
	const char *why;
};

static uint8_t frame[XEN_NETIF_MAX_TX_SIZE];

static void bad(struct nb_dev *d, const struct netif_tx_request *s, const char *why)
{
	d->st.tx_errors++;
	if (d->nbad++ < 8)
		xbb_log((int)d->x->domid, "vif %u: tx packet (id %u, size %u): %s", d->x->devid,
			s->id, s->size, why);
}

/* Gathers and writes the mapped packet p. */
static void send_pkt(struct nb_dev *d, const struct netif_tx_request *s, struct pkt *p,
		     uint8_t **page)
{
	size_t len = 0;

	for (unsigned i = p->first; i < p->first + p->n; i++) {
		unsigned piece = i == p->first ? p->first_len : s[i].size;

		memcpy(frame + len, page[i] + s[i].offset, piece);
		len += piece;
	}
	if (write(d->tap_fd, frame, len) != (ssize_t)len) {
		d->st.tx_dropped++;
		p->status = NETIF_RSP_DROPPED;
		return;
	}
	d->st.tx_packets++;
	d->st.tx_bytes += len;
}

/* Why hospes-hv refused to map a grant (its GNTST_* status). */
static const char *map_refused(int st)
{
	switch (st) {
	case GNTST_bad_domain:
		return "grant not mappable: domain destroyed";
	case GNTST_bad_gntref:
		return "grant not mappable: bad or revoked ref";
	case GNTST_permission_denied:
		return "grant not mappable: permission denied";
	case GNTST_bad_page:
		return "grant not mappable: bad page";
	case GNTST_no_space:
		return "grant not mappable: too many mappings";
	default:
		return "grant not mappable";
	}
}

/* Maps the grants of the checked packets; page[i] or NULL per slot, with
 * why[i] set when it is NULL. */
static unsigned map_batch(struct nb_dev *d, const struct netif_tx_request *s,
			  const struct pkt *pk, unsigned npk, uint8_t **page, const char **why,
			  uint32_t *handles)
{
	struct hvctl_gnt_mapping maps[NB_BATCH];
	uint32_t refs[NB_BATCH];
	unsigned idx[NB_BATCH], n = 0, nh = 0;

	for (unsigned p = 0; p < npk; p++)
		for (unsigned i = pk[p].first; pk[p].status == NETIF_RSP_OKAY && i < pk[p].first + pk[p].n;
		     i++) {
			idx[n] = i;
			refs[n++] = s[i].gref;
			why[i] = "grant map call to hospes-hv failed";
		}
	if (!n || hvctl_gnt_map(d->hc, d->x->domid, refs, n, true, maps) < 0)
		return 0;
	d->st.grant_maps += n;
	for (unsigned j = 0; j < n; j++) {
		if (maps[j].status != 0) {
			why[idx[j]] = map_refused(maps[j].status);
			continue;
		}
		handles[nh++] = maps[j].handle;
		if (maps[j].offset <= d->ram_size - NB_PAGE)
			page[idx[j]] = d->ram + maps[j].offset;
		else
			why[idx[j]] = "grant not mappable: page outside the domain's RAM";
	}
	return nh;
}

/* Takes the complete packets among the n published slots (at most a
 * batch); returns the slots consumed (0: only the start of a chain). */
static unsigned tx_batch(struct nb_dev *d, unsigned n)
{
	struct netif_tx_request s[NB_BATCH];
	uint8_t *page[NB_BATCH] = {0};
	const char *why[NB_BATCH];
	uint32_t handles[NB_BATCH];
	int32_t ust[NB_BATCH];
	struct pkt pk[NB_BATCH];
	unsigned npk = 0, pos = 0, nh;

	if (n > NB_BATCH)
		n = NB_BATCH;
	for (unsigned i = 0; i < n; i++)
		memcpy(&s[i], &d->tx.sring->ring[(d->tx.req_cons + i) & (d->tx.size - 1)].req,
		       sizeof(s[i]));
	while (pos < n) {
		int len = nb_chain_len(&s[pos], n - pos);
		struct pkt *p = &pk[npk];

		if (len == NB_CHAIN_FATAL) {
			d->failed = "tx chain longer than 64 slots";
			return 0;
		}
		if (len == NB_CHAIN_PARTIAL)
			break;
		p->first = pos;
		p->n = (unsigned)len;
		p->why = NULL;
		p->status = nb_check_tx(&s[pos], p->n, &p->first_len, &p->why) < 0
				? NETIF_RSP_ERROR
				: NETIF_RSP_OKAY;
		npk++;
		pos += (unsigned)len;
	}
	if (!pos)
		return 0;
	d->tx.req_cons += pos;
	nh = map_batch(d, s, pk, npk, page, why, handles);
	for (unsigned p = 0; p < npk; p++) {
		if (pk[p].status == NETIF_RSP_OKAY) {
			for (unsigned i = pk[p].first; i < pk[p].first + pk[p].n; i++)
				if (!page[i] && pk[p].status == NETIF_RSP_OKAY) {
					pk[p].status = NETIF_RSP_ERROR;
					pk[p].why = why[i];
				}
		}
		if (pk[p].status == NETIF_RSP_OKAY)
			send_pkt(d, s, &pk[p], page);
		else
			bad(d, &s[pk[p].first], pk[p].why);
		for (unsigned i = pk[p].first; i < pk[p].first + pk[p].n; i++) {
			struct netif_tx_response *r = netif_tx_back_next_rsp(&d->tx);

			r->id = s[i].id;
			r->status = (int16_t)pk[p].status;
		}
	}
	if (nh)
		hvctl_gnt_unmap(d->hc, handles, nh, ust);
	return pos;
}

/* Slots taken per call: a guest that keeps its ring full does not keep
 * the loop from the other devices. */
#define NB_TX_BUDGET (4 * NB_BATCH)

void nb_tx_consume(struct nb_dev *d)
{
	unsigned budget = NB_TX_BUDGET;
	bool any = false;

	if (!d->connected || d->failed)
		return;
	for (;;) {
		uint32_t n, took;

		if (netif_tx_back_prod_overflow(&d->tx)) {
			d->failed = "tx ring overflow: req_prod beyond the ring";
			break;
		}
		n = netif_tx_back_req_avail(&d->tx);
		if (n == 0) {
			if (!netif_tx_back_final_check(&d->tx))
				break;
			continue;
		}
		if (!budget) {
			/* More next turn: our own wake-up on the notify eventfd. */
			uint64_t one = 1;

			if (write(d->notify_fd, &one, sizeof(one)) < 0)
				xbb_log((int)d->x->domid, "vif %u: requeue: %s", d->x->devid,
					strerror(errno));
			break;
		}
		if ((took = tx_batch(d, n)) == 0) {
			if (d->failed)
				break;
			/* Only a chain's start: be told when more is published. */
			PVABI_RING_SET(d->tx.sring->hdr.req_event, d->tx.req_cons + n + 1);
			pvabi_ring_mb();
			if (netif_tx_back_req_avail(&d->tx) == n)
				break;
			continue;
		}
		budget = took >= budget ? 0 : budget - took;
		any = true;
	}
	if (any) {
		d->stats_dirty = true;
		if (netif_tx_back_push(&d->tx))
			d->kick = true;
	}
}
