/*
 * Names as producers write them, and the agent's own counters:
 *  - upstream's UK_STORE_ENTRY keeps the quotes of a string literal, and
 *    the simulated netdevs are declared that way: the store holds
 *    "\"rx_bytes\"", the host sees rx_bytes;
 *  - names that collide once unquoted: the first in listing order is
 *    served, the other is neither listed nor reachable, and counted;
 *  - odd names: served as they are when valid, else left out and counted;
 *  - libukstoreagent's static entries read through the protocol.
 */
#include <stdio.h>
#include <string.h>

#include <uk/store.h>
#include <uk/storeagent.h>

#include "catalog.h"
#include "harness.h"
#include "pace.h"
#include "tests.h"
#include "vectors.h"

enum { LIB_APPSIM = 5, LIB_AGENT = 6 };

static int get_one(void *c, __u64 *o)
{
	*o = (__u64)(uintptr_t)c;
	return 0;
}

/* An entry of a template with exactly this name, bypassing the macro's
 * stringification (it cannot spell an unmatched quote). */
#define RAW_ENTRY(_id, _str)						\
	(&(struct uk_store_entry) {					\
		.id = (_id), .name = (char *)(_str),			\
		.type = UK_STORE_ENTRY_TYPE(u64), .get.u64 = get_one,	\
	})

static struct uk_store_object *add(__u16 lib, __u64 id, const char *name,
				   const struct uk_store_entry **tmpl)
{
	struct uk_store_object *o = uk_store_obj_alloc(NULL, id, name, tmpl,
						       (void *)(uintptr_t)7);

	if (PTRISERR(o) || _uk_store_obj_add(lib, o) < 0)
		return NULL;
	return o;
}

/* The owner drops its reference; the agent's next poll lets go of it. */
static void drop(struct uk_store_object *o)
{
	if (o)
		uk_store_obj_release(o);
	ua_agent_poll(&A, now);
	take_answers();
}

static uint64_t names_skipped(void)
{
	struct ua_catalog_stats st;

	ua_catalog_stats(&st);
	return st.names_skipped;
}

static void list(uint8_t scope, unsigned lib, unsigned obj, char *s,
		 size_t cap)
{
	body(); u8(scope); v(lib);
	if (scope == 2)
		v(obj);
	v(0);
	req(UA_T_LIST, 100, bb, bw.off);
	render_ans(0, s, cap);
}

static void get(unsigned lib, unsigned slot, unsigned id, char *s, size_t cap)
{
	body(); v(1); v(lib); v(slot); v(id);
	req(UA_T_GET, 101, bb, bw.off);
	render_ans(0, s, cap);
}

static void test_quoted_in_store(void)
{
	struct uk_store_object *o = uk_store_obj_acquire(2, 0);
	const struct uk_store_entry *e = uk_store_obj_entry_get(o, 0x10);
	char s[4096];

	CHECK(e && !strcmp(e->name, "\"rx_bytes\""),
	      "the double keeps the literal's quotes: %s", e ? e->name : "-");
	uk_store_obj_release(o);
	fresh_link(65535);
	list(2, 2, 0, s, sizeof(s));
	CHECK(strstr(s, "child=entry,16,u64,r-,\"rx_bytes\"") && !strstr(s, "\\\""),
	      "served without quotes: %s", s);
	get(2, 1, 0x10, s, sizeof(s));
	CHECK(!strncmp(s, "GET_ANSWER rid=101 status=0 count=1 value=u64:", 46), "%s", s);
	CHECK(names_skipped() == 0, "nothing skipped in the simulated store (%llu)",
	      (unsigned long long)names_skipped());
}

static void test_collision(void)
{
	const struct uk_store_entry *tmpl[] = {
		UK_STORE_ENTRY(0x02, x, u64, get_one, NULL),
		UK_STORE_ENTRY(0x01, "x", u64, get_one, NULL),
		NULL,
	};
	uint64_t k0 = names_skipped();
	struct uk_store_object *o;
	char s[4096];

	fresh_link(65535);
	o = add(LIB_APPSIM, 20, "pair", tmpl);
	CHECK(o != NULL, "create pair");
	list(2, LIB_APPSIM, 20, s, sizeof(s));
	CHECK(strstr(s, "total=1 count=1 child=entry,1,u64,r-,\"x\"") != NULL,
	      "the first in id order wins: %s", s);
	get(LIB_APPSIM, 21, 1, s, sizeof(s));
	CHECK(!strcmp(s, "GET_ANSWER rid=101 status=0 count=1 value=u64:7"), "%s", s);
	get(LIB_APPSIM, 21, 2, s, sizeof(s));
	CHECK(!strcmp(s, "GET_ANSWER rid=101 status=0 count=1 error=2"),
	      "the other is not reachable: %s", s);
	CHECK(names_skipped() == k0 + 1, "counted once: %llu",
	      (unsigned long long)(names_skipped() - k0));
	list(1, LIB_APPSIM, 0, s, sizeof(s)); /* listing again counts nothing */
	CHECK(names_skipped() == k0 + 1, "still 1");
	drop(o);
	CHECK(names_skipped() == k0, "gone with its object");
}

static void test_odd_names(void)
{
	const struct uk_store_entry *tmpl[] = {
		RAW_ENTRY(1, "\"\""),    /* only quotes: served as is */
		RAW_ENTRY(2, "\"a"),     /* unmatched: served as is */
		RAW_ENTRY(3, "\".\""),   /* "." inside: served as is */
		RAW_ENTRY(4, "\"/\""),   /* a slash either way: skipped */
		RAW_ENTRY(5, ""),        /* empty: skipped */
		RAW_ENTRY(6, "\"b\""),   /* b */
		RAW_ENTRY(7, "b"),       /* b again: skipped */
		RAW_ENTRY(8, ".."),      /* skipped */
		NULL,
	};
	uint64_t k0 = names_skipped();
	struct uk_store_object *o;
	char s[4096];

	fresh_link(65535);
	o = add(LIB_APPSIM, 21, "odd", tmpl);
	list(2, LIB_APPSIM, 21, s, sizeof(s));
	CHECK(strstr(s, "status=0 generation=") && strstr(s, " total=4 count=4 "
	      "child=entry,1,u64,r-,\"\\\"\\\"\" child=entry,2,u64,r-,\"\\\"a\" "
	      "child=entry,3,u64,r-,\"\\\".\\\"\" child=entry,6,u64,r-,\"b\""), "%s", s);
	CHECK(names_skipped() == k0 + 4, "4 skipped: %llu",
	      (unsigned long long)(names_skipped() - k0));
	for (unsigned id = 4; id <= 8; id++) {
		get(LIB_APPSIM, 22, id, s, sizeof(s));
		CHECK(!strcmp(s, id == 6 ? "GET_ANSWER rid=101 status=0 count=1 value=u64:7"
				      : "GET_ANSWER rid=101 status=0 count=1 error=2"),
		      "id %u: %s", id, s);
	}
	drop(o);
	CHECK(names_skipped() == k0, "gone with its object");
}

/* An object named like a static entry of its library comes after it. */
static void test_object_repeats_entry(void)
{
	const struct uk_store_entry *tmpl[] = {
		UK_STORE_ENTRY(0x01, "v", u64, get_one, NULL),
		NULL,
	};
	uint64_t k0 = names_skipped();
	struct uk_store_object *o;
	char s[4096];

	fresh_link(65535);
	o = add(LIB_APPSIM, 22, "hostname", tmpl);
	list(1, LIB_APPSIM, 0, s, sizeof(s));
	CHECK(strstr(s, "total=3 count=3") && !strstr(s, "object,22"), "%s", s);
	CHECK(names_skipped() == k0 + 1, "counted: %llu",
	      (unsigned long long)(names_skipped() - k0));
	get(LIB_APPSIM, 23, 1, s, sizeof(s));
	CHECK(!strcmp(s, "GET_ANSWER rid=101 status=0 count=1 error=2"), "%s", s);
	list(2, LIB_APPSIM, 22, s, sizeof(s));
	CHECK(!strcmp(s, "LIST_ANSWER rid=100 status=2"), "%s", s);
	drop(o);
	CHECK(names_skipped() == k0, "gone with its object");
}

static void test_agent_entries(void)
{
	const struct uk_store_entry *tmpl[] = {
		UK_STORE_ENTRY(0x01, x, u64, get_one, NULL),
		UK_STORE_ENTRY(0x02, "x", u64, get_one, NULL),
		NULL,
	};
	struct uk_storeagent_stats st;
	struct uk_store_object *o;
	unsigned long long f0, f1, k;
	char s[4096];

	fresh_link(65535);
	list(1, LIB_AGENT, 0, s, sizeof(s));
	CHECK(strstr(s, "total=12 count=12 child=entry,1,u64,r-,\"frames\" "
		     "child=entry,2,u64,r-,\"discarded\" child=entry,3,u64,r-,\"timeouts\" "
		     "child=entry,4,u64,r-,\"malformed\" child=entry,5,u64,r-,\"objects\" "
		     "child=entry,6,u64,r-,\"table_full\" child=entry,7,u64,r-,\"events_dropped\" "
		     "child=entry,8,u64,r-,\"names_skipped\" child=entry,9,u64,r-,\"orphans\" "
		     "child=entry,10,u64,r-,\"rhythm_met\" child=entry,11,u64,r-,\"rhythm_early\" "
		     "child=entry,12,u64,r-,\"rhythm_missed\""),
	      "%s", s);
	/* no pacer in the host build: zero; a published one's counters */
	get(LIB_AGENT, 0, UK_STOREAGENT_STATS_RHYTHM_MET, s, sizeof(s));
	CHECK(!strcmp(s, "GET_ANSWER rid=101 status=0 count=1 value=u64:0"), "%s", s);
	{
		static struct ua_pace line;

		ua_pace_init(&line, 1, 1, 1, 1);
		line.anticipated = 41;
		line.early = 2;
		line.missed = 3;
		ua_pace_publish(&line);
		get(LIB_AGENT, 0, UK_STOREAGENT_STATS_RHYTHM_MET, s, sizeof(s));
		CHECK(!strcmp(s, "GET_ANSWER rid=101 status=0 count=1 value=u64:41"), "%s", s);
		get(LIB_AGENT, 0, UK_STOREAGENT_STATS_RHYTHM_MISSED, s, sizeof(s));
		CHECK(!strcmp(s, "GET_ANSWER rid=101 status=0 count=1 value=u64:3"), "%s", s);
		uk_storeagent_stats(&st);
		CHECK(st.rhythm_met == 41 && st.rhythm_early == 2 && st.rhythm_missed == 3,
		      "uk_storeagent_stats: %llu %llu %llu", (unsigned long long)st.rhythm_met,
		      (unsigned long long)st.rhythm_early, (unsigned long long)st.rhythm_missed);
		ua_pace_publish(NULL);
	}
	get(LIB_AGENT, 0, UK_STOREAGENT_STATS_FRAMES, s, sizeof(s));
	CHECK(sscanf(s, "GET_ANSWER rid=101 status=0 count=1 value=u64:%llu", &f0) == 1, "%s", s);
	get(LIB_AGENT, 0, UK_STOREAGENT_STATS_FRAMES, s, sizeof(s));
	CHECK(sscanf(s, "GET_ANSWER rid=101 status=0 count=1 value=u64:%llu", &f1) == 1 &&
	      f1 == f0 + 1, "one frame more: %llu then %s", f0, s);

	o = add(LIB_APPSIM, 23, "twins", tmpl);
	get(LIB_AGENT, 0, UK_STOREAGENT_STATS_NAMES_SKIPPED, s, sizeof(s));
	CHECK(sscanf(s, "GET_ANSWER rid=101 status=0 count=1 value=u64:%llu", &k) == 1 && k == 1,
	      "names_skipped through the protocol: %s", s);
	uk_storeagent_stats(&st);
	CHECK(st.names_skipped == 1 && st.objects == 5 && st.frames == f1 + 1,
	      "uk_storeagent_stats: %llu skipped, %llu objects, %llu frames",
	      (unsigned long long)st.names_skipped, (unsigned long long)st.objects,
	      (unsigned long long)st.frames);
	body(); v(LIB_AGENT); v(0); v(UK_STOREAGENT_STATS_FRAMES); u8(UA_TY_U64); v(0);
	req(UA_T_SET, 104, bb, bw.off);
	render_ans(0, s, sizeof(s));
	CHECK(!strcmp(s, "SET_ANSWER rid=104 status=13"), "read-only: %s", s);
	drop(o);
}

void names_tests(void)
{
	run("names: quoted names served plain", test_quoted_in_store);
	run("names: a collision lists the first", test_collision);
	run("names: odd names", test_odd_names);
	run("names: an object repeating a static entry", test_object_repeats_entry);
	run("names: libukstoreagent's own entries", test_agent_entries);
}
