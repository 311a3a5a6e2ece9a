/*
 * Unit tests of the ukstoreagent guest library on the host, against the
 * ukstore double serving docs/simulated-store.md:
 *  - every to-guest vector: the test-side decoder renders the canonical text
 *    (honouring `max N`), and the agent, fed the same stream with the same
 *    max payload, answers exactly those requests (same rids), with EPROTO for
 *    the malformed ones, ENOSYS for unknown types and neither otherwise;
 *  - every to-host vector: rendered by the test decoder, then rebuilt with
 *    the agent's own encoders from the decoded values: bytes must match;
 *  - end to end: HELLO, LIST pages, GET batches, SET errors, WATCH + events,
 *    resynchronisation, the inter-byte timeout;
 *  - allocations: 1000 mixed requests over non-charp entries allocate and
 *    free nothing at all (every malloc/calloc/realloc/strdup/free in the
 *    process is counted through -Wl,--wrap); charp GETs allocate exactly
 *    the getter's strdup (the API contract) and the agent frees each.
 * Prints "N passed, N failed" (test cases) and exits non-zero on failure.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <uk/store.h>

#include "agent.h"
#include "catalog.h"
#include "harness.h"
#include "tests.h"
#include "sim.h"
#include "vectors.h"
#include "wire.h"

/* --- allocation counters (-Wl,--wrap=...) -------------------------------- */
void *__real_malloc(size_t);
void *__real_calloc(size_t, size_t);
void *__real_realloc(void *, size_t);
void __real_free(void *);
char *__real_strdup(const char *);
static long n_malloc, n_free, n_strdup;
void *__wrap_malloc(size_t n) { n_malloc++; return __real_malloc(n); }
void *__wrap_calloc(size_t a, size_t b) { n_malloc++; return __real_calloc(a, b); }
void *__wrap_realloc(void *p, size_t n) { n_malloc++; return __real_realloc(p, n); }
void __wrap_free(void *p) { if (p) n_free++; __real_free(p); }
char *__wrap_strdup(const char *s) { n_strdup++; return __real_strdup(s); }

/* --- vectors ------------------------------------------------------------- */
static struct vector vecs[MAX_VECTORS];
static int nvecs;
static struct vector *cur_vec;
static char rendered[MAX_MSGS + 4][9000];
static int nrendered;
static void collect_render(void *ctx, const uint8_t *p, size_t n)
{
	if (nrendered < MAX_MSGS + 4)
		render(*(int *)ctx, p, n, rendered[nrendered++], sizeof(rendered[0]));
}

static void test_vector_render(void)
{
	struct vector *vc = cur_vec;
	int tg = vc->to_guest;

	nrendered = 0;
	receive(vc->bytes, vc->n, vc->max, collect_render, &tg);
	CHECK(nrendered == vc->nmsgs, "%s: %d messages, expected %d", vc->name, nrendered, vc->nmsgs);
	for (int i = 0; i < nrendered && i < vc->nmsgs; i++)
		CHECK(!strcmp(rendered[i], vc->msgs[i]), "%s:\n    got  %s\n    want %s", vc->name, rendered[i], vc->msgs[i]);
}

/* The agent answers what the vector says a guest decodes. */
static void test_vector_agent(void)
{
	struct vector *vc = cur_vec;
	unsigned max = vc->max < UA_MAX_PAYLOAD ? vc->max : UA_MAX_PAYLOAD;

	ua_agent_new_link(&A);
	A.rx_max = (uint16_t)max;
	out_n = 0;
	ua_agent_input(&A, vc->bytes, vc->n, now);
	ua_agent_poll(&A, now);
	now += 1000; /* the stream ended: let the inter-byte timeout pass */
	ua_agent_poll(&A, now);
	A.rx_max = UA_MAX_PAYLOAD;
	take_answers();
	CHECK(nans == vc->nmsgs, "%s: agent answered %d requests, vector has %d", vc->name, nans, vc->nmsgs);
	for (int i = 0; i < nans && i < vc->nmsgs; i++) {
		const char *m = vc->msgs[i];
		unsigned rid = 0, type = 0, st;
		struct tr r = { ans[i].p, ans[i].n, 3, 0 };

		st = (unsigned)tr_var(&r);
		if (!strncmp(m, "malformed type=", 15) || !strncmp(m, "unknown type=", 13)) {
			sscanf(strchr(m, '=') + 1, "%x rid=%u", &type, &rid);
			CHECK(st == (m[0] == 'm' ? 71u : 38u), "%s: status %u", vc->name, st);
			CHECK(ans[i].n == 4, "%s: error answer has a body", vc->name);
		} else {
			static const char *const names[] = { "HELLO", "LIST", "GET", "SET", "WATCH", "PING" };
			for (unsigned t = 0; t < 6; t++)
				if (!strncmp(m, names[t], strlen(names[t])) && m[strlen(names[t])] == ' ')
					type = t + 1;
			sscanf(strstr(m, "rid=") + 4, "%u", &rid);
			CHECK(st != 71 && st != 38, "%s: valid request answered %u", vc->name, st);
		}
		CHECK(ans[i].p[0] == (uint8_t)(type | 0x80), "%s: answer type 0x%02x", vc->name, ans[i].p[0]);
		CHECK((unsigned)(ans[i].p[1] | ans[i].p[2] << 8) == rid, "%s: rid", vc->name);
	}
}

/* Rebuilds a to-host message with the agent's encoders; returns frame len. */
static size_t reencode(const uint8_t *p, size_t n, uint8_t *buf, size_t cap)
{
	struct tr r = { p, n, 3, 0 };
	struct ua_wr w;
	uint64_t st;

	ua_wr_init(&w, buf + 5, cap - 7);
	ua_wr_u8(&w, p[0]);
	ua_wr_u16le(&w, (uint16_t)(p[1] | p[2] << 8));
	if (p[0] == UA_T_EVENT) {
		struct ua_event ev;

		ev.kind = (uint8_t)tr_u8(&r);
		ev.lib = (uint16_t)tr_var(&r);
		ev.obj = tr_var(&r);
		ev.generation = tr_var(&r);
		ev.name_len = (uint8_t)tr_u8(&r);
		memcpy(ev.name, p + r.off, ev.name_len);
		ua_wr_init(&w, buf + 5, cap - 7);
		ua_enc_event(&w, &ev);
		return ua_frame_seal(buf, w.off);
	}
	st = tr_var(&r);
	ua_wr_varint(&w, st);
	if (st == 0) {
		switch (p[0]) {
		case 0x81: {
			unsigned ver = tr_u8(&r);
			uint64_t mp = tr_var(&r), mb = tr_var(&r), ms = tr_var(&r), g;
			const uint8_t *bid = p + r.off;
			unsigned nl;

			r.off += 8;
			g = tr_var(&r);
			nl = tr_u8(&r);
			w.off = 3; /* ua_enc_hello_answer writes the status itself */
			ua_enc_hello_answer(&w, (uint16_t)mp, (uint16_t)mb, (uint16_t)ms, bid, g, (const char *)p + r.off, nl);
			(void)ver;
			break;
		}
		case 0x82: {
			uint64_t c;

			ua_wr_varint(&w, tr_var(&r));
			ua_wr_varint(&w, tr_var(&r));
			c = tr_var(&r);
			ua_wr_varint(&w, c);
			for (uint64_t i = 0; i < c; i++) {
				struct ua_child ch;

				ch.kind = (uint8_t)tr_u8(&r);
				ch.id = tr_var(&r);
				ch.tinfo = ch.kind == 3 ? (uint8_t)tr_u8(&r) : 0;
				ch.name_len = tr_u8(&r);
				ch.name = (const char *)p + r.off;
				r.off += ch.name_len;
				ua_enc_child(&w, &ch);
			}
			break;
		}
		case 0x83: {
			uint64_t c = tr_var(&r);

			ua_wr_varint(&w, c);
			for (uint64_t i = 0; i < c; i++) {
				struct ua_value val;

				memset(&val, 0, sizeof(val));
				val.type = (uint8_t)tr_u8(&r);
				if (val.type == 0) {
					ua_wr_u8(&w, 0);
					ua_wr_varint(&w, tr_var(&r));
					continue;
				}
				if (val.type == 10) {
					val.len = (size_t)tr_var(&r);
					val.str = (const char *)p + r.off;
					r.off += val.len;
				} else if (val.type == 1 || val.type == 3 || val.type == 5 || val.type == 7) {
					val.s = tr_svar(&r);
				} else {
					val.u = tr_var(&r);
				}
				ua_enc_value(&w, &val);
			}
			break;
		}
		case 0x85: case 0x86:
			ua_wr_varint(&w, tr_var(&r));
			break;
		}
	}
	return ua_frame_seal(buf, w.off);
}

static void test_vector_encode(void)
{
	struct vector *vc = cur_vec;
	static uint8_t buf[70000];
	size_t n;

	n = reencode(vc->bytes + 5, vc->n - 7, buf, sizeof(buf));
	CHECK(n == vc->n && !memcmp(buf, vc->bytes, n), "%s: agent encoders produce different bytes", vc->name);
}

/* --- end to end ----------------------------------------------------------- */
static void test_hello(void)
{
	char s[4096];

	fresh_link(65535);
	body(); u8(1); u8(1); v(1024);
	CHECK(req(UA_T_HELLO, 9, bb, bw.off) == 1, "one answer");
	render_ans(0, s, sizeof(s));
	CHECK(!strncmp(s, "HELLO_ANSWER rid=9 status=0 version=1 max_payload=16384 max_batch=256 max_string=1015 boot=0011223344556677 generation=", 119), "%s", s);
	CHECK(strstr(s, "name=\"vm-test\"") != NULL, "%s", s);
	body(); u8(2); u8(3); v(1024);
	req(UA_T_HELLO, 10, bb, bw.off);
	render_ans(0, s, sizeof(s));
	CHECK(!strcmp(s, "HELLO_ANSWER rid=10 status=93"), "%s", s);
	body(); u8(1); u8(1); v(100); /* below 512 */
	req(UA_T_HELLO, 11, bb, bw.off);
	render_ans(0, s, sizeof(s));
	CHECK(!strcmp(s, "HELLO_ANSWER rid=11 status=71"), "%s", s);
}

static void test_list(void)
{
	char s[8192];

	fresh_link(65535);
	body(); u8(0); v(0);
	req(UA_T_LIST, 2, bb, bw.off);
	render_ans(0, s, sizeof(s));
	CHECK(!strcmp(s, "LIST_ANSWER rid=2 status=0 generation=1 total=7 count=7 child=library,0,\"libukalloc\" child=library,1,\"libukfalloc\" child=library,2,\"libuknetdev\" child=library,3,\"libukprint\" child=library,4,\"libuksched\" child=library,5,\"appsim\" child=library,6,\"libukstoreagent\""), "%s", s);
	/* libukalloc: id order although its section runs in reverse */
	body(); u8(1); v(0); v(8);
	req(UA_T_LIST, 3, bb, bw.off);
	render_ans(0, s, sizeof(s));
	CHECK(!strcmp(s, "LIST_ANSWER rid=3 status=0 generation=1 total=11 count=3 child=entry,9,s64,r-,\"cur_mem_use\" child=entry,10,s64,r-,\"max_mem_use\" child=entry,11,u64,r-,\"nb_enomem\""), "%s", s);
	/* statics then objects */
	body(); u8(1); v(1); v(0);
	req(UA_T_LIST, 4, bb, bw.off);
	render_ans(0, s, sizeof(s));
	CHECK(!strcmp(s, "LIST_ANSWER rid=4 status=0 generation=1 total=3 count=3 child=entry,1,u64,r-,\"free_memory_global\" child=entry,2,u64,r-,\"total_memory_global\" child=object,0,\"falloc0\""), "%s", s);
	body(); u8(2); v(2); v(0); v(0);
	req(UA_T_LIST, 5, bb, bw.off);
	render_ans(0, s, sizeof(s));
	CHECK(!strcmp(s, "LIST_ANSWER rid=5 status=0 generation=1 total=8 count=8 child=entry,1,u64,r-,\"tx_bytes\" child=entry,2,u64,r-,\"tx_packets\" child=entry,3,u64,r-,\"tx_errors\" child=entry,4,u64,r-,\"tx_fifo\" child=entry,16,u64,r-,\"rx_bytes\" child=entry,32,u64,r-,\"rx_packets\" child=entry,48,u64,r-,\"rx_errors\" child=entry,64,u64,r-,\"rx_fifo\""), "%s", s);
	body(); u8(1); v(5); v(0);
	req(UA_T_LIST, 6, bb, bw.off);
	render_ans(0, s, sizeof(s));
	CHECK(!strcmp(s, "LIST_ANSWER rid=6 status=0 generation=1 total=3 count=3 child=entry,1,u8,rw,\"netdev_count\" child=entry,2,charp,rw,\"hostname\" child=entry,3,u64,r-,\"uptime_ms\""), "%s", s);
	body(); u8(1); v(99); v(0);
	req(UA_T_LIST, 7, bb, bw.off);
	render_ans(0, s, sizeof(s));
	CHECK(!strcmp(s, "LIST_ANSWER rid=7 status=2"), "%s", s);
	body(); u8(2); v(2); v(7); v(0);
	req(UA_T_LIST, 8, bb, bw.off);
	render_ans(0, s, sizeof(s));
	CHECK(!strcmp(s, "LIST_ANSWER rid=8 status=2"), "%s", s);
	body(); u8(1); v(0); v(11);
	req(UA_T_LIST, 9, bb, bw.off);
	render_ans(0, s, sizeof(s));
	CHECK(!strcmp(s, "LIST_ANSWER rid=9 status=0 generation=1 total=11 count=0"), "%s", s);
}

static void test_list_pages(void)
{
	char seen[256] = { 0 };
	uint64_t start = 0, total = 1, gen0;
	int pages = 0, names = 0;

	CHECK(set_u8(20, 5, 1, 200) == 0, "netdev_count=200");
	fresh_link(512);
	gen0 = ua_catalog_generation();
	while (start < total && pages < 100) {
		struct tr r;
		uint64_t c;

		body(); u8(1); v(2); v(start);
		CHECK(req(UA_T_LIST, 21, bb, bw.off) == 1, "answer");
		CHECK(ans[0].n <= 512, "page of %zu bytes over the host's 512", ans[0].n);
		r = (struct tr){ ans[0].p, ans[0].n, 3, 0 };
		CHECK(tr_var(&r) == 0, "status");
		CHECK(tr_var(&r) == gen0, "generation");
		total = tr_var(&r);
		c = tr_var(&r);
		CHECK(c > 0 || start >= total, "empty page");
		for (uint64_t i = 0; i < c; i++) {
			unsigned k = tr_u8(&r), id = (unsigned)tr_var(&r), nl = tr_u8(&r);
			char nm[32];

			snprintf(nm, sizeof(nm), "netdev%u", id);
			CHECK(k == 2 && nl == strlen(nm) && !memcmp(r.p + r.off, nm, nl), "child %u", id);
			r.off += nl;
			if (id < 256 && !seen[id]) { seen[id] = 1; names++; }
		}
		start += c;
		pages++;
	}
	CHECK(total == 200 && names == 200 && pages > 1, "total %llu, %d names in %d pages", (unsigned long long)total, names, pages);
	CHECK(set_u8(22, 5, 1, 1) == 0, "netdev_count=1");
}

static void test_get(void)
{
	char s[8192];
	unsigned long long a, b;

	fresh_link(65535);
	body(); v(7);
	v(3); v(0); v(1);        /* console_lvl */
	v(5); v(0); v(2);        /* hostname */
	v(2); v(1); v(0x10);     /* netdev0/rx_bytes */
	v(2); v(9); v(0x10);     /* netdev8: none */
	v(0); v(0); v(99);       /* no such entry */
	v(4); v(2); v(6);        /* cpu1/idle_count */
	v(0); v(0); v(9);        /* cur_mem_use s64 */
	req(UA_T_GET, 30, bb, bw.off);
	render_ans(0, s, sizeof(s));
	CHECK(!strncmp(s, "GET_ANSWER rid=30 status=0 count=7 value=u8:3 value=charp:\"unikraft\" value=u64:", 78), "%s", s);
	CHECK(strstr(s, " error=2 error=2 value=u64:") && strstr(s, "value=s64:"), "%s", s);
	/* counters only rise */
	body(); v(1); v(5); v(0); v(3);
	req(UA_T_GET, 31, bb, bw.off);
	render_ans(0, s, sizeof(s));
	CHECK(sscanf(s, "GET_ANSWER rid=31 status=0 count=1 value=u64:%llu", &a) == 1, "%s", s);
	now += 5;
	{ struct timespec ts = { 0, 3000000 }; nanosleep(&ts, NULL); }
	req(UA_T_GET, 32, bb, bw.off);
	render_ans(0, s, sizeof(s));
	CHECK(sscanf(s, "GET_ANSWER rid=32 status=0 count=1 value=u64:%llu", &b) == 1 && b > a, "uptime %llu then %s", a, s);
	/* over max_batch: EPROTO; count 0: EPROTO */
	body(); v(257);
	for (int i = 0; i < 257; i++) { v(0); v(0); v(1); }
	req(UA_T_GET, 33, bb, bw.off);
	render_ans(0, s, sizeof(s));
	CHECK(!strcmp(s, "GET_ANSWER rid=33 status=71"), "%s", s);
}

static void test_get_overflow(void)
{
	char name[64], s[8192];
	int vals = 0, ovf = 0;

	memset(name, 'h', 63);
	name[63] = 0;
	body(); v(5); v(0); v(2); u8(UA_TY_CHARP); v(63); ua_wr_bytes(&bw, name, 63);
	req(UA_T_SET, 40, bb, bw.off);
	fresh_link(512);
	body(); v(10);
	for (int i = 0; i < 10; i++) { v(5); v(0); v(2); }
	req(UA_T_GET, 41, bb, bw.off);
	CHECK(nans == 1 && ans[0].n <= 512, "answer fits 512");
	render_ans(0, s, sizeof(s));
	for (char *p = s; (p = strstr(p, "value=charp:")); p++) vals++;
	for (char *p = s; (p = strstr(p, "error=75")); p++) ovf++;
	CHECK(vals >= 1 && ovf >= 1 && vals + ovf == 10, "%d values, %d EOVERFLOW", vals, ovf);
	body(); v(5); v(0); v(2); u8(UA_TY_CHARP); v(8); ua_wr_bytes(&bw, "unikraft", 8);
	req(UA_T_SET, 42, bb, bw.off);
}

static int set_status(uint16_t rid)
{
	struct tr r;

	req(UA_T_SET, rid, bb, bw.off);
	if (nans < 1)
		return -1;
	r = (struct tr){ ans[nans - 1].p, ans[nans - 1].n, 3, 0 };
	return (int)tr_var(&r);
}

static void test_set(void)
{
	char big[65], s[4096];

	fresh_link(65535);
	memset(big, 'x', 64);
	body(); v(5); v(0); v(3); u8(UA_TY_U64); v(5);
	CHECK(set_status(50) == 13, "uptime_ms: EACCES");
	body(); v(3); v(0); v(1); u8(UA_TY_U64); v(5);
	CHECK(set_status(51) == 22, "console_lvl as u64: EINVAL");
	body(); v(5); v(0); v(2); u8(UA_TY_CHARP); v(64); ua_wr_bytes(&bw, big, 64);
	CHECK(set_status(52) == 34, "hostname of 64 bytes: ERANGE");
	body(); v(5); v(0); v(2); u8(UA_TY_CHARP); v(3); ua_wr_bytes(&bw, "a\0b", 3);
	CHECK(set_status(53) == 22, "charp with NUL: EINVAL");
	body(); v(0); v(0); v(99); u8(UA_TY_U64); v(5);
	CHECK(set_status(54) == 2, "no entry: ENOENT");
	body(); v(2); v(50); v(1); u8(UA_TY_U64); v(5);
	CHECK(set_status(55) == 2, "no object: ENOENT");
	body(); v(3); v(0); v(1); u8(UA_TY_U8); v(9);
	CHECK(set_status(56) == 0, "console_lvl=9");
	body(); v(2); v(3); v(0); v(1); v(5); v(0); v(2);
	req(UA_T_GET, 57, bb, bw.off);
	render_ans(0, s, sizeof(s));
	CHECK(!strcmp(s, "GET_ANSWER rid=57 status=0 count=2 value=u8:9 value=charp:\"unikraft\""), "%s", s);
	CHECK(set_u8(58, 3, 1, 3) == 0, "console_lvl=3");
	body(); v(3); v(0); v(1); u8(UA_TY_U8); v(300);
	CHECK(set_status(59) == 71, "u8 of 300: EPROTO");
}

static void test_watch_events(void)
{
	char s[4096];
	struct tr r;
	uint64_t g;

	fresh_link(65535);
	/* no WATCH: no events */
	CHECK(set_u8(60, 5, 1, 2) == 0 && nans == 1, "no events before WATCH (%d frames)", nans);
	CHECK(set_u8(61, 5, 1, 1) == 0 && nans == 1, "no events before WATCH");
	body(); v(1);
	req(UA_T_WATCH, 62, bb, bw.off);
	r = (struct tr){ ans[0].p, ans[0].n, 3, 0 };
	CHECK(tr_var(&r) == 0, "watch status");
	g = tr_var(&r);
	CHECK(set_u8(63, 5, 1, 3) == 0 && nans == 3, "two create events, then the answer (%d)", nans);
	render_ans(0, s, sizeof(s));
	CHECK(!strcmp(s, "EVENT rid=0 kind=created lib=2 obj=1 generation=0 name=\"netdev1\"") ||
	      strstr(s, "kind=created lib=2 obj=1") != NULL, "%s", s);
	{
		char want[256];

		snprintf(want, sizeof(want), "EVENT rid=0 kind=created lib=2 obj=1 generation=%llu name=\"netdev1\"", (unsigned long long)(g + 1));
		CHECK(!strcmp(s, want), "%s", s);
		render_ans(1, s, sizeof(s));
		snprintf(want, sizeof(want), "EVENT rid=0 kind=created lib=2 obj=2 generation=%llu name=\"netdev2\"", (unsigned long long)(g + 2));
		CHECK(!strcmp(s, want), "%s", s);
		CHECK(set_u8(64, 5, 1, 1) == 0 && nans == 3, "two release events");
		render_ans(0, s, sizeof(s));
		snprintf(want, sizeof(want), "EVENT rid=0 kind=released lib=2 obj=2 generation=%llu name=\"netdev2\"", (unsigned long long)(g + 3));
		CHECK(!strcmp(s, want), "%s", s);
		render_ans(1, s, sizeof(s));
		snprintf(want, sizeof(want), "EVENT rid=0 kind=released lib=2 obj=1 generation=%llu name=\"netdev1\"", (unsigned long long)(g + 4));
		CHECK(!strcmp(s, want), "%s", s);
		req(UA_T_PING, 65, NULL, 0);
		render_ans(0, s, sizeof(s));
		snprintf(want, sizeof(want), "PING_ANSWER rid=65 status=0 generation=%llu", (unsigned long long)(g + 4));
		CHECK(!strcmp(s, want), "%s", s);
	}
	/* a HELLO cancels the WATCH */
	fresh_link(65535);
	CHECK(set_u8(66, 5, 1, 2) == 0 && nans == 1, "no events after HELLO");
	CHECK(set_u8(67, 5, 1, 1) == 0, "restore");
	{
		struct ua_catalog_stats st;

		ua_catalog_stats(&st);
		CHECK(st.objects == 4 && st.references == 4 &&
		      dbl_store_live_objects() == 4 && dbl_store_refs() == 8,
		      "one producer and one agent reference per object: %u listed, %u held, %ld live, %ld refs",
		      st.objects, st.references, dbl_store_live_objects(), dbl_store_refs());
	}
}

/* --- owner releases an object the agent tracks --------------------------
 * Upstream ukstore raises no release event: the owner just drops its
 * reference. The agent's own reference must keep the object's memory valid
 * (the double aborts on any access to a freed object: UA_OBJ_CHECK, its
 * release/acquire checks, and ASan in `make test-asan` and the fuzz build),
 * and the agent must notice that only its reference is left, unlist the
 * object and drop it without calling its getters. */
static unsigned probe_state = 42, probe_calls;
static int probe_get(void *c, __u64 *o)
{
	probe_calls++;
	*o = *(unsigned *)c;
	return 0;
}

static struct uk_store_object *probe_create(__u64 id, const char *name)
{
	const struct uk_store_entry *tmpl[] = {
		UK_STORE_ENTRY(0x01, value, u64, probe_get, NULL),
		NULL,
	};
	struct uk_store_object *o = uk_store_obj_alloc(NULL, id, name, tmpl, &probe_state);

	if (PTRISERR(o) || _uk_store_obj_add(5, o) < 0)
		return NULL;
	return o;
}

static int get_probe(uint16_t rid, unsigned id, char *s, size_t cap)
{
	body(); v(1); v(5); v(id + 1); v(1);
	req(UA_T_GET, rid, bb, bw.off);
	render_ans(nans - 1, s, cap);
	return nans;
}

static void test_owner_release(void)
{
	struct ua_catalog_stats st0, st;
	struct uk_store_object *o, *other;
	long live0 = dbl_store_live_objects(), refs0 = dbl_store_refs();
	char s[4096], want[256];
	struct tr r;
	uint64_t g;

	fresh_link(65535);
	ua_catalog_stats(&st0);
	body(); v(1);
	req(UA_T_WATCH, 80, bb, bw.off);
	r = (struct tr){ ans[0].p, ans[0].n, 3, 0 };
	CHECK(tr_var(&r) == 0, "watch status");
	g = tr_var(&r);

	/* 1. owner releases, nobody else holds it: unlisted and freed */
	o = probe_create(7, "probe7");
	CHECK(o != NULL, "create probe7");
	CHECK(dbl_store_refcount(o) == 2, "producer + agent: refcount %ld", dbl_store_refcount(o));
	get_probe(81, 7, s, sizeof(s));
	CHECK(!strcmp(s, "GET_ANSWER rid=81 status=0 count=1 value=u64:42"), "%s", s);
	uk_store_obj_release(o); /* the owner's reference; no event, as upstream */
	CHECK(dbl_store_live_objects() == live0 + 1,
	      "the agent's reference keeps the object after its owner's release");
	probe_calls = 0;
	probe_state = 0xdead; /* the owner's state is gone */
	CHECK(get_probe(82, 7, s, sizeof(s)) == 2, "event + answer (%d)", nans);
	CHECK(!strcmp(s, "GET_ANSWER rid=82 status=0 count=1 error=2"), "%s", s);
	CHECK(probe_calls == 0, "no getter of a released object called (%u)", probe_calls);
	render_ans(0, s, sizeof(s));
	snprintf(want, sizeof(want), "EVENT rid=0 kind=released lib=5 obj=7 generation=%llu name=\"probe7\"",
		 (unsigned long long)(g + 2));
	CHECK(!strcmp(s, want), "%s", s);
	CHECK(dbl_store_live_objects() == live0 && dbl_store_refs() == refs0,
	      "freed once the agent dropped its reference (%ld live, %ld refs)",
	      dbl_store_live_objects(), dbl_store_refs());
	body(); u8(1); v(5); v(0);
	req(UA_T_LIST, 83, bb, bw.off);
	render_ans(0, s, sizeof(s));
	CHECK(strstr(s, "status=0") && !strstr(s, "probe7"), "%s", s);

	/* 2. released while the agent is idle: noticed by the next poll */
	probe_state = 42;
	o = probe_create(8, "probe8");
	take_answers();
	uk_store_obj_release(o);
	ua_agent_poll(&A, now);
	CHECK(take_answers() == 2, "created + released events (%d)", nans);
	render_ans(1, s, sizeof(s));
	CHECK(strstr(s, "kind=released lib=5 obj=8") != NULL, "%s", s);
	CHECK(dbl_store_live_objects() == live0, "probe8 freed");

	/* 3. another consumer still holds it: the agent cannot tell the owner
	 * is gone and keeps listing it (the documented trade-off); memory stays
	 * valid, and it goes once that consumer lets go */
	o = probe_create(9, "probe9");
	other = uk_store_obj_acquire(5, 9);
	uk_store_obj_release(o);
	take_answers();
	get_probe(84, 9, s, sizeof(s));
	CHECK(!strcmp(s, "GET_ANSWER rid=84 status=0 count=1 value=u64:42"), "%s", s);
	uk_store_obj_release(other);
	CHECK(get_probe(85, 9, s, sizeof(s)) == 2 && !strcmp(s, "GET_ANSWER rid=85 status=0 count=1 error=2"),
	      "%s", s);
	CHECK(dbl_store_live_objects() == live0, "probe9 freed");

	/* 4. the owner releases while the agent still needs the object: it is
	 * kept until the call ends. A host SET on netdev_count releases
	 * netdevs (with the release event) while nothing else pins them; here
	 * the owner's release is simulated through the handler entry point. */
	o = probe_create(10, "probe10");
	ua_catalog_on_release(5, 10); /* unlisted; reference still held */
	ua_catalog_stats(&st);
	CHECK(st.references == st.objects + 1, "unlisted, not yet dropped (%u, %u)", st.references, st.objects);
	uk_store_obj_release(o);
	CHECK(dbl_store_live_objects() == live0 + 1, "kept by the agent");
	ua_agent_poll(&A, now);
	take_answers();
	CHECK(dbl_store_live_objects() == live0, "dropped by the agent thread");

	ua_catalog_stats(&st);
	CHECK(st.orphans == st0.orphans + 3, "three orphans (%u)", st.orphans - st0.orphans);
	CHECK(st.references == st.objects && dbl_store_refs() == refs0, "references balanced");
	fresh_link(65535); /* ends the WATCH */
}

static void test_resync(void)
{
	static uint8_t buf[4096];
	uint8_t ping[16];
	size_t pn = frame(ping, UA_T_PING, 70, NULL, 0), n = 0;
	uint32_t x = 12345;
	char s[256];

	fresh_link(65535);
	for (int round = 0; round < 50; round++) {
		n = 0;
		for (int i = 0; i < 200 + round * 13; i++) {
			x = x * 1103515245u + 12345u;
			buf[n++] = (uint8_t)(x >> 16);
			if ((x >> 8) % 17 == 0) buf[n++] = 0x55; /* false magics */
			if ((x >> 8) % 19 == 0) { buf[n++] = 0x55; buf[n++] = 0x4b; }
		}
		memcpy(buf + n, ping, pn);
		n += pn;
		ua_agent_input(&A, buf, n, now);
		now += 1000; /* a begun false frame times out */
		ua_agent_poll(&A, now);
		take_answers();
		/* garbage may decode as a frame only with both CRCs right: rare */
		CHECK(nans >= 1, "round %d: the PING after garbage was lost", round);
		render_ans(nans - 1, s, sizeof(s));
		CHECK(!strcmp(s, "PING_ANSWER rid=70 status=0 generation=1") || strstr(s, "PING_ANSWER rid=70"), "%s", s);
	}
	/* UART noise */
	memset(buf, 0xff, 1000);
	memcpy(buf + 1000, ping, pn);
	memset(buf + 1000 + pn, 0xff, 1000);
	ua_agent_input(&A, buf, 2000 + pn, now);
	CHECK(take_answers() == 1, "PING inside 0xff noise");
	/* oversized (len over our max) then a frame */
	{
		uint8_t hdr[5] = { 0x55, 0x4b, 0xff, 0xff, 0 };

		hdr[4] = ua_crc8(hdr + 2, 2);
		ua_agent_input(&A, hdr, 5, now);
		ua_agent_input(&A, ping, pn, now);
		CHECK(take_answers() == 1, "frame after an oversized header");
	}
	/* replayed frame: answered each time */
	ua_agent_input(&A, ping, pn, now);
	ua_agent_input(&A, ping, pn, now);
	CHECK(take_answers() == 2, "replayed frames");
	/* truncated frame then a new host's frame */
	ua_agent_input(&A, ping, pn - 3, now);
	ua_agent_input(&A, ping, pn, now + 1);
	CHECK(take_answers() == 1, "frame after a truncated frame");
	CHECK(A.tail == A.head, "nothing left buffered");
}

static void test_timeout(void)
{
	uint8_t get[32], ping[16];
	size_t gn, pn = frame(ping, UA_T_PING, 80, NULL, 0);
	uint8_t b[4] = { 1, 0, 0, 1 };
	uint64_t t0 = now, to = A.stats.timeouts;

	fresh_link(65535);
	gn = frame(get, UA_T_GET, 81, b, 4);
	ua_agent_input(&A, get, gn - 4, t0); /* the host vanished mid-frame */
	ua_agent_poll(&A, t0 + UA_TIMEOUT_MS - 1);
	CHECK(A.tail - A.head == gn - 4, "kept before the timeout");
	ua_agent_poll(&A, t0 + UA_TIMEOUT_MS);
	CHECK(A.tail == A.head && A.stats.timeouts > to, "dropped at the timeout");
	ua_agent_input(&A, ping, pn, t0 + 300);
	CHECK(take_answers() == 1 && ans[0].p[1] == 80, "next host's PING answered");
	/* a frame whose bytes keep coming slowly is not dropped */
	ua_agent_input(&A, get, 6, t0 + 1000);
	ua_agent_poll(&A, t0 + 1200);
	ua_agent_input(&A, get + 6, gn - 6, t0 + 1200);
	ua_agent_poll(&A, t0 + 1400);
	CHECK(take_answers() == 1 && ans[0].p[1] == 81, "slow frame answered");
	now = t0 + 2000;
}

static void test_unknown_malformed(void)
{
	char s[256];
	uint8_t b[2] = { 1, 2 };

	fresh_link(65535);
	req(0x77, 90, b, 2);
	render_ans(0, s, sizeof(s));
	CHECK(!strcmp(s, "unknown type=0xf7 rid=90"), "%s", s);
	CHECK(ans[0].n == 4 && ans[0].p[3] == 38, "ENOSYS");
	req(UA_T_PING, 91, b, 1);
	CHECK(ans[0].p[3] == 71, "PING with a body: EPROTO");
	req(UA_T_WATCH, 92, NULL, 0);
	CHECK(ans[0].p[3] == 71, "WATCH without flags: EPROTO");
}

static void test_allocations(void)
{
	long m0, f0, s0;
	int answers = 0;

	fresh_link(65535);
	m0 = n_malloc; f0 = n_free; s0 = n_strdup;
	for (int i = 0; i < 1000; i++) {
		switch (i % 8) {
		case 0: body(); u8(1); u8(1); v(65535); answers += req(UA_T_HELLO, 1, bb, bw.off); break;
		case 1: answers += req(UA_T_PING, 2, NULL, 0); break;
		case 2: body(); u8(0); v(0); answers += req(UA_T_LIST, 3, bb, bw.off); break;
		case 3: body(); u8(1); v(0); v(0); answers += req(UA_T_LIST, 4, bb, bw.off); break;
		case 4: body(); u8(2); v(4); v(1); v(0); answers += req(UA_T_LIST, 5, bb, bw.off); break;
		case 5: body(); v(4); v(0); v(0); v(1); v(2); v(1); v(0x10); v(3); v(0); v(1); v(0); v(0); v(9);
			answers += req(UA_T_GET, 6, bb, bw.off); break;
		case 6: body(); v(3); v(0); v(1); u8(UA_TY_U8); v(3); answers += req(UA_T_SET, 7, bb, bw.off); break;
		case 7: body(); v(1); answers += req(UA_T_WATCH, 8, bb, bw.off); break;
		}
	}
	CHECK(answers == 1000, "%d answers", answers);
	CHECK(n_malloc == m0 && n_free == f0 && n_strdup == s0,
	      "1000 non-charp requests: %ld mallocs, %ld frees, %ld strdups",
	      n_malloc - m0, n_free - f0, n_strdup - s0);
	/* charp: the getter's strdup is the only allocation, and it is freed */
	m0 = n_malloc; f0 = n_free; s0 = n_strdup;
	for (int i = 0; i < 100; i++) {
		body(); v(1); v(5); v(0); v(2);
		req(UA_T_GET, 9, bb, bw.off);
	}
	CHECK(n_malloc == m0 && n_strdup - s0 == 100 && n_free - f0 == 100,
	      "100 charp GETs: %ld mallocs, %ld strdups (getter), %ld frees (agent)",
	      n_malloc - m0, n_strdup - s0, n_free - f0);
}

static int write_seeds(const char *dir)
{
	char path[512];

	for (int i = 0; i < nvecs; i++) {
		FILE *f;

		if (!vecs[i].to_guest)
			continue;
		snprintf(path, sizeof(path), "%.300s/%.90s", dir, vecs[i].name);
		f = fopen(path, "wb");
		if (!f || fwrite(vecs[i].bytes, 1, vecs[i].n, f) != vecs[i].n) {
			perror(path);
			return 1;
		}
		fclose(f);
	}
	return 0;
}

/* --bench N: N batched GETs of one u64 entry (netdev0/rx_bytes), for
 * measure.sh; the setup is the same for every N so that it cancels out. */
static int bench(int n)
{
	static uint8_t buf[64];
	uint8_t b[4] = { 1, 2, 1, 0x10 };
	size_t len;

	dbl_sim_init();
	ua_catalog_start();
	ua_agent_init(&A, &cap_io, "bench", boot);
	len = frame(buf, UA_T_GET, 7, b, 4);
	for (int i = 0; i < n; i++) {
		out_n = 0;
		ua_agent_input(&A, buf, len, now);
	}
	if (n)
		printf("request %zu bytes, answer %zu bytes on the wire\n", len, out_n);
	return 0;
}

int main(int argc, char **argv)
{
	const char *vpath = argc > 1 ? argv[1] : "../../../docs/vectors/protocol-v1.txt";

	if (argc > 2 && !strcmp(argv[1], "--bench"))
		return bench(atoi(argv[2]));
	int seeds = argc > 3 && !strcmp(argv[1], "--write-seeds");

	if (seeds)
		vpath = argv[2];
	nvecs = load_vectors(vpath, vecs, MAX_VECTORS);
	if (nvecs <= 0) {
		fprintf(stderr, "cannot read vectors from %s\n", vpath);
		return 2;
	}
	if (seeds)
		return write_seeds(argv[3]);

	dbl_sim_init();
	ua_catalog_start();
	ua_agent_init(&A, &cap_io, "vm-test", boot);

	for (int i = 0; i < nvecs; i++) {
		char name[160];

		cur_vec = &vecs[i];
		snprintf(name, sizeof(name), "vector %.90s: canonical text", vecs[i].name);
		run(name, test_vector_render);
		if (vecs[i].to_guest) {
			snprintf(name, sizeof(name), "vector %.90s: agent answers", vecs[i].name);
			run(name, test_vector_agent);
		} else if (vecs[i].nmsgs == 1 && strncmp(vecs[i].msgs[0], "malformed", 9) &&
			   strncmp(vecs[i].msgs[0], "unknown", 7)) {
			snprintf(name, sizeof(name), "vector %.90s: agent encoders", vecs[i].name);
			run(name, test_vector_encode);
		}
	}
	/* the vectors' SETs changed the store: put it back */
	set_u8(1, 3, 1, 3);
	body(); v(5); v(0); v(2); u8(UA_TY_CHARP); v(8); ua_wr_bytes(&bw, "unikraft", 8);
	req(UA_T_SET, 1, bb, bw.off);

	run("hello", test_hello);
	run("list", test_list);
	run("list pages", test_list_pages);
	run("get batch", test_get);
	run("get EOVERFLOW", test_get_overflow);
	run("set errors", test_set);
	run("watch and events", test_watch_events);
	run("resync", test_resync);
	run("inter-byte timeout", test_timeout);
	run("unknown and malformed", test_unknown_malformed);
	run("no allocation per request", test_allocations);
	run("owner releases a tracked object", test_owner_release);
	names_tests();
	pace_tests();

	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
