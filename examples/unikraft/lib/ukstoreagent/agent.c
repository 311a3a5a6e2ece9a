/* SPDX-License-Identifier: BSD-3-Clause */
/* Frame receiver, dispatcher and encoder of protocol v1 (docs/protocol.md). */
#include "agent.h"

#include <string.h>

#include "catalog.h"
#include "port.h"

#define MIN_PEER_PAYLOAD 512 /* §3.1: every side accepts at least this */

static uint16_t min_u16(size_t a, size_t b)
{
	return (uint16_t)(a < b ? a : b);
}

/* Sizes that depend on the host's max payload (§3.1). */
static void negotiate(struct ua_agent *a, size_t peer_max)
{
	size_t lim = min_u16(peer_max, UA_MAX_PAYLOAD);

	a->answer_max = (uint16_t)lim;
	/* A GET answer holds type+rid (3), status (1), count (≤ 2) and for each
	 * ref at least an error (≤ 3 bytes): announce no more refs than that. */
	a->max_batch = min_u16(UA_MAX_BATCH, (lim - 6) / 3);
	/* ...and one charp value alone must fit: tag 1, length ≤ 2. */
	a->max_string = min_u16(UA_MAX_STRING, lim - 6 - 3);
}

void ua_agent_new_link(struct ua_agent *a)
{
	a->head = a->tail = 0;
	a->link_gone = 0;
	negotiate(a, MIN_PEER_PAYLOAD);
	ua_catalog_watch(0);
}

/* The agent uk_storeagent_stats() reports on: an image runs one. */
static const struct ua_agent *reported;

void ua_agent_stats(struct ua_agent_stats *st)
{
	const struct ua_agent *a = reported;

	if (a)
		*st = a->stats;
	else
		memset(st, 0, sizeof(*st));
}

void ua_agent_init(struct ua_agent *a, const struct ua_io *io,
		   const char *name, const uint8_t boot_id[8])
{
	reported = a;
	memset(a, 0, sizeof(*a));
	a->io = io;
	a->rx_max = UA_MAX_PAYLOAD;
	a->name = name ? name : "";
	memcpy(a->boot_id, boot_id, 8);
	ua_agent_new_link(a);
}

static void send_frame(struct ua_agent *a, uint8_t *buf, size_t payload_len)
{
	size_t n = ua_frame_seal(buf, payload_len);

	if (!a->link_gone && a->io && a->io->write(a->io->ctx, buf, n) < 0)
		a->link_gone = 1;
}

static void flush_events(struct ua_agent *a)
{
	struct ua_event ev;

	ua_catalog_maintain();
	while (ua_catalog_pop_event(&ev)) {
		struct ua_wr w;

		ua_wr_init(&w, a->ev + 5, sizeof(a->ev) - UA_FRAME_OVERHEAD);
		ua_enc_event(&w, &ev);
		if (!w.full)
			send_frame(a, a->ev, w.off);
	}
}

/* --- encoders (public so that tests check them against the vectors) --- */

void ua_enc_hello_answer(struct ua_wr *w, uint16_t max_payload,
			 uint16_t max_batch, uint16_t max_string,
			 const uint8_t boot_id[8], uint64_t generation,
			 const char *name, size_t name_len)
{
	ua_wr_varint(w, 0);
	ua_wr_u8(w, 1); /* version */
	ua_wr_varint(w, max_payload);
	ua_wr_varint(w, max_batch);
	ua_wr_varint(w, max_string);
	ua_wr_bytes(w, boot_id, 8);
	ua_wr_varint(w, generation);
	ua_wr_str8(w, name, name_len);
}

void ua_enc_child(struct ua_wr *w, const struct ua_child *c)
{
	ua_wr_u8(w, c->kind);
	ua_wr_varint(w, c->id);
	if (c->kind == UA_KIND_ENTRY)
		ua_wr_u8(w, c->tinfo);
	ua_wr_str8(w, c->name, c->name_len);
}

void ua_enc_event(struct ua_wr *w, const struct ua_event *ev)
{
	ua_wr_u8(w, UA_T_EVENT);
	ua_wr_u16le(w, 0); /* rid 0: unasked */
	ua_wr_u8(w, ev->kind);
	ua_wr_varint(w, ev->lib);
	ua_wr_varint(w, ev->obj);
	ua_wr_varint(w, ev->generation);
	ua_wr_str8(w, ev->name, ev->name_len);
}

/* --- request handlers ----------------------------------------------------
 * Each reads the body through `r` and writes the answer body (from status
 * on) through `w`; returning non-zero means the body was malformed and the
 * caller answers EPROTO instead. */

static int do_hello(struct ua_agent *a, struct ua_rd *r, struct ua_wr *w)
{
	uint8_t vmin = ua_rd_u8(r), vmax = ua_rd_u8(r);
	uint64_t mp = ua_rd_varint(r);
	size_t nlen;

	if (!ua_rd_done(r) || mp < MIN_PEER_PAYLOAD || mp > 65535)
		return -1;
	if (vmin > 1 || vmax < 1) {
		ua_wr_varint(w, UA_EPROTONOSUPPORT);
		return 0;
	}
	negotiate(a, (size_t)mp);
	ua_catalog_watch(0); /* a new host: earlier WATCH is cancelled (§2.4) */
	nlen = strlen(a->name);
	if (nlen > 255)
		nlen = 255;
	ua_enc_hello_answer(w, a->rx_max, a->max_batch, a->max_string,
			    a->boot_id, ua_catalog_generation(), a->name, nlen);
	return 0;
}

struct page {
	struct ua_wr *w;
	uint32_t count;
};

static int emit_child(void *ctx, const struct ua_child *c)
{
	struct page *pg = ctx;
	struct ua_wr *w = pg->w;
	size_t need = 1 + ua_varint_len(c->id) +
		      (c->kind == UA_KIND_ENTRY ? 1 : 0) + 1 + c->name_len;

	if (need > w->cap - w->off)
		return 0;
	ua_enc_child(w, c);
	pg->count++;
	return 1;
}

static int do_list(struct ua_agent *a, struct ua_rd *r, struct ua_wr *w)
{
	uint8_t scope = ua_rd_u8(r);
	uint64_t lib = 0, obj = 0, start, gen;
	uint32_t total;
	size_t count_at, kids_at;
	struct page pg = { w, 0 };
	int err;

	(void)a;
	if (scope > 2)
		return -1;
	if (scope >= 1)
		lib = ua_rd_varint(r);
	if (scope == 2)
		obj = ua_rd_varint(r);
	start = ua_rd_varint(r);
	if (!ua_rd_done(r))
		return -1;

	gen = ua_catalog_generation(); /* the page reflects this generation */
	ua_wr_varint(w, 0);
	ua_wr_varint(w, gen);
	/* total is known only after the walk: children go after a gap for
	 * total (≤ 3 bytes) and count (≤ 3), then are moved down to the
	 * shortest encodings. */
	count_at = w->off;
	w->off += 6;
	kids_at = w->off;
	if (w->off > w->cap)
		return -1; /* cannot happen: answer_max ≥ 512 */
	err = ua_catalog_list(scope, lib, obj, start, &total, emit_child, &pg);
	if (err) {
		w->off = UA_MSG_HEADER; /* body ends after the status (§3) */
		ua_wr_varint(w, (uint64_t)err);
		return 0;
	}
	{
		size_t kids = w->off - kids_at;
		uint8_t hdr[6];
		struct ua_wr h;

		ua_wr_init(&h, hdr, sizeof(hdr));
		ua_wr_varint(&h, total);
		ua_wr_varint(&h, pg.count);
		memcpy(w->p + count_at, hdr, h.off);
		memmove(w->p + count_at + h.off, w->p + kids_at, kids);
		w->off = count_at + h.off + kids;
	}
	return 0;
}

/* Reads a ref (§3.3). */
static void rd_ref(struct ua_rd *r, uint64_t ref[3])
{
	ref[0] = ua_rd_varint(r);
	ref[1] = ua_rd_varint(r);
	ref[2] = ua_rd_varint(r);
}

static size_t value_size(const struct ua_value *v)
{
	switch (v->type) {
	case UA_TY_S8: case UA_TY_S16: case UA_TY_S32: case UA_TY_S64: {
		uint64_t u = (uint64_t)v->s;

		return 1 + ua_varint_len((u << 1) ^ (uint64_t)(0 - (u >> 63)));
	}
	case UA_TY_CHARP:
		return 1 + ua_varint_len(v->len) + v->len;
	default:
		return 1 + ua_varint_len(v->u);
	}
}

void ua_enc_value(struct ua_wr *w, const struct ua_value *v)
{
	ua_wr_u8(w, v->type);
	switch (v->type) {
	case UA_TY_S8: case UA_TY_S16: case UA_TY_S32: case UA_TY_S64:
		ua_wr_svarint(w, v->s);
		break;
	case UA_TY_CHARP:
		ua_wr_varint(w, v->len);
		ua_wr_bytes(w, v->str, v->len);
		break;
	default:
		ua_wr_varint(w, v->u);
	}
}

static int do_get(struct ua_agent *a, struct ua_rd *r, struct ua_wr *w)
{
	struct ua_rd again = *r;
	uint64_t count = ua_rd_varint(r), ref[3];

	if (count < 1 || count > a->max_batch)
		return -1;
	/* Pass 1 validates the whole body before any getter runs, so a
	 * malformed request has no side effects and needs no ref array. */
	for (uint64_t i = 0; i < count; i++)
		rd_ref(r, ref);
	if (!ua_rd_done(r))
		return -1;

	ua_rd_varint(&again);
	ua_wr_varint(w, 0);
	ua_wr_varint(w, count);
	for (uint64_t i = 0; i < count; i++) {
		struct ua_value v;
		/* keep room for an error (≤ 3 bytes) for every later ref */
		size_t reserve = 3 * (size_t)(count - 1 - i);
		size_t avail = w->cap - w->off - reserve;
		int err;

		rd_ref(&again, ref);
		err = ua_catalog_get(ref[0], ref[1], ref[2], &v);
		if (!err && value_size(&v) > avail)
			err = UA_EOVERFLOW; /* the host asks for it alone */
		if (err) {
			ua_wr_u8(w, 0);
			ua_wr_varint(w, (uint64_t)err);
		} else {
			ua_enc_value(w, &v);
		}
		ua_value_release(&v);
	}
	return 0;
}

/* Reads a typed value (§4.2); out-of-range values make the body malformed. */
static void rd_value(struct ua_rd *r, struct ua_value *v)
{
	static const int64_t smin[] = { INT8_MIN, INT16_MIN, INT32_MIN };
	static const int64_t smax[] = { INT8_MAX, INT16_MAX, INT32_MAX };
	static const uint64_t umax[] = { UINT8_MAX, UINT16_MAX, UINT32_MAX };

	memset(v, 0, sizeof(*v));
	v->type = ua_rd_u8(r);
	switch (v->type) {
	case UA_TY_S8: case UA_TY_S16: case UA_TY_S32:
		v->s = ua_rd_svarint(r);
		if (v->s < smin[(v->type - 1) / 2] || v->s > smax[(v->type - 1) / 2])
			r->bad = 1;
		break;
	case UA_TY_U8: case UA_TY_U16: case UA_TY_U32:
		v->u = ua_rd_varint(r);
		if (v->u > umax[(v->type - 2) / 2])
			r->bad = 1;
		break;
	case UA_TY_S64:
		v->s = ua_rd_svarint(r);
		break;
	case UA_TY_U64:
		v->u = ua_rd_varint(r);
		break;
	case UA_TY_UPTR:
		v->u = ua_rd_varint(r);
		/* nolibc's <stdint.h> has no UINTPTR_MAX */
		if (v->u > (uint64_t)(uintptr_t)-1)
			r->bad = 1;
		break;
	case UA_TY_CHARP: {
		uint64_t n = ua_rd_varint(r);

		if (n > UA_MAX_STRING) {
			r->bad = 1;
			break;
		}
		v->str = (const char *)ua_rd_bytes(r, (size_t)n);
		v->len = (size_t)n;
		break;
	}
	default: /* tag 0 or above 10 */
		r->bad = 1;
	}
}

static int do_set(struct ua_agent *a, struct ua_rd *r, struct ua_wr *w)
{
	uint64_t ref[3];
	struct ua_value v;

	rd_ref(r, ref);
	rd_value(r, &v);
	if (!ua_rd_done(r))
		return -1;
	if (v.type == UA_TY_CHARP) {
		/* C strings cannot hold NUL: that text is malformed (EINVAL) */
		if (memchr(v.str, 0, v.len)) {
			ua_wr_varint(w, UA_EINVAL);
			return 0;
		}
		memcpy(a->str, v.str, v.len);
		a->str[v.len] = '\0';
		v.str = a->str;
	}
	ua_wr_varint(w, (uint64_t)ua_catalog_set(ref[0], ref[1], ref[2], &v));
	return 0;
}

static int do_watch(struct ua_agent *a, struct ua_rd *r, struct ua_wr *w)
{
	uint64_t flags = ua_rd_varint(r);

	(void)a;
	if (!ua_rd_done(r))
		return -1;
	ua_catalog_watch((int)(flags & 1)); /* unknown bits: reserved */
	ua_wr_varint(w, 0);
	ua_wr_varint(w, ua_catalog_generation());
	return 0;
}

static int do_ping(struct ua_agent *a, struct ua_rd *r, struct ua_wr *w)
{
	(void)a;
	if (!ua_rd_done(r))
		return -1;
	ua_wr_varint(w, 0);
	ua_wr_varint(w, ua_catalog_generation());
	return 0;
}

static void handle(struct ua_agent *a, const uint8_t *p, size_t len)
{
	uint8_t type = p[0];
	struct ua_rd r;
	struct ua_wr w;
	int bad;

	a->stats.frames++;
	ua_rd_init(&r, p + UA_MSG_HEADER, len - UA_MSG_HEADER);
	ua_wr_init(&w, a->tx + 5, a->answer_max);
	ua_wr_u8(&w, (uint8_t)(type | UA_T_ANSWER));
	ua_wr_bytes(&w, p + 1, 2); /* the request's rid */

	switch (type) {
	case UA_T_HELLO: bad = do_hello(a, &r, &w); break;
	case UA_T_LIST:  bad = do_list(a, &r, &w); break;
	case UA_T_GET:   bad = do_get(a, &r, &w); break;
	case UA_T_SET:   bad = do_set(a, &r, &w); break;
	case UA_T_WATCH: bad = do_watch(a, &r, &w); break;
	case UA_T_PING:  bad = do_ping(a, &r, &w); break;
	default:
		ua_wr_varint(&w, UA_ENOSYS);
		bad = 0;
	}
	if (bad || w.full) {
		/* w.full cannot happen (handlers size their answers); should it,
		 * EPROTO is still a true, short answer. */
		a->stats.malformed += bad ? 1 : 0;
		w.off = UA_MSG_HEADER;
		w.full = 0;
		ua_wr_varint(&w, bad ? UA_EPROTO : UA_EIO);
	}
	/* Events raised by this request (a SET creating objects) go first, so
	 * that the host knows the new tree when it sees the answer. */
	flush_events(a);
	send_frame(a, a->tx, w.off);
}

/* --- receiver (§2.3) ---------------------------------------------------- */

/* Runs hunt/header/body over the buffered bytes until more are needed.
 * Every discard drops exactly one byte, so a frame starting inside a false
 * candidate is still found. */
static void process(struct ua_agent *a)
{
	for (;;) {
		uint8_t *b = a->rx + a->head;
		size_t n = a->tail - a->head, len;

		if (n == 0)
			break;
		/* 1. hunt for 55 4B (a lone trailing 55 may be a magic's start) */
		if (b[0] != UA_MAGIC0 || (n >= 2 && b[1] != UA_MAGIC1)) {
			const uint8_t *q = memchr(b + 1, UA_MAGIC0, n - 1);
			size_t skip = q ? (size_t)(q - b) : n;

			a->head += skip;
			a->stats.discarded += skip;
			continue;
		}
		if (n < 5)
			break;
		/* 2. header */
		len = (size_t)b[2] | ((size_t)b[3] << 8);
		if (ua_crc8(b + 2, 2) != b[4] || len < UA_MSG_HEADER ||
		    len > a->rx_max) {
			a->head++;
			a->stats.discarded++;
			continue;
		}
		/* 3. body */
		if (n < len + UA_FRAME_OVERHEAD)
			break; /* a frame has begun: wait (or time out) */
		if (ua_crc16(b + 2, 3 + len) !=
		    (uint16_t)(b[5 + len] | (b[6 + len] << 8))) {
			a->head++;
			a->stats.discarded++;
			continue;
		}
		handle(a, b + 5, len);
		a->head += len + UA_FRAME_OVERHEAD;
	}
	if (a->head == a->tail)
		a->head = a->tail = 0;
}

void ua_agent_input(struct ua_agent *a, const uint8_t *p, size_t n,
		    uint64_t now_ms)
{
	if (n)
		a->last_rx_ms = now_ms;
	while (n) {
		size_t room = sizeof(a->rx) - a->tail, k;

		if (room == 0) {
			/* Compact. head > 0 here: a full buffer from head 0
			 * holds a whole frame or was discarded by process(). */
			memmove(a->rx, a->rx + a->head, a->tail - a->head);
			a->tail -= a->head;
			a->head = 0;
			room = sizeof(a->rx) - a->tail;
			if (room == 0) { /* defensive: never stall */
				a->head = 1;
				continue;
			}
		}
		k = n < room ? n : room;
		memcpy(a->rx + a->tail, p, k);
		a->tail += k;
		p += k;
		n -= k;
		process(a);
	}
}

void ua_agent_poll(struct ua_agent *a, uint64_t now_ms)
{
	/* 4. a begun frame (header passed) whose bytes stopped coming: the
	 * host that sent it is gone. Drop one byte and hunt again; what is
	 * left is as old, so repeat while a stale begun frame remains. */
	while (a->tail - a->head >= 5 &&
	       now_ms - a->last_rx_ms >= UA_TIMEOUT_MS) {
		a->head++;
		a->stats.discarded++;
		a->stats.timeouts++;
		process(a);
	}
	flush_events(a);
}

int ua_agent_serve(struct ua_agent *a, unsigned wait_ms,
		   volatile const int *stop)
{
	while (!(stop && *stop)) {
		long got = a->io->read(a->io->ctx, a->in, sizeof(a->in), wait_ms);
		uint64_t now = ua_port_now_ms();

		if (got < 0)
			return (int)got;
		if (got > 0)
			ua_agent_input(a, a->in, (size_t)got, now);
		ua_agent_poll(a, now);
		if (a->link_gone)
			return -1;
	}
	return 0;
}
