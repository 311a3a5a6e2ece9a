/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The catalog: everything the agent knows about the store, and the only part
 * of the agent that calls the ukstore API. ukstore has no enumeration API, so:
 * - static entries are walked through the generated per-library section
 *   bounds (<uk/bits/store_array.h>) for library ids 0 … uk_libid_count()-1;
 * - dynamic objects are learnt from UKSTORE_EVENT_CREATE_OBJECT /
 *   UKSTORE_EVENT_RELEASE_OBJECT into a fixed-size table; the agent holds a
 *   ukstore reference on each object in it (taken in the create handler,
 *   the only uk_store_obj_acquire() call) and never asks ukstore for an
 *   object id it has not seen (see catalog.c's KNOWN GAP note).
 * Results are plain protocol values; errors are positive wire errno numbers.
 */
#ifndef UKSTOREAGENT_CATALOG_H
#define UKSTOREAGENT_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

enum { UA_KIND_LIBRARY = 1, UA_KIND_OBJECT = 2, UA_KIND_ENTRY = 3 };
enum { UA_EV_CREATED = 1, UA_EV_RELEASED = 2 };

struct ua_child {
	uint8_t kind;
	uint64_t id;
	uint8_t tinfo;     /* entries only: type | readable << 4 | writable << 5 */
	const char *name;
	size_t name_len;   /* 1 … 255 */
};

/* Called once per child in directory order, from index `start` on.
 * Returns 1 when it took the child, 0 when the page is full (stop). */
typedef int (*ua_emit_fn)(void *ctx, const struct ua_child *c);

/* Lists directory `scope` (0 root, 1 library `lib`, 2 object `obj` of `lib`).
 * Sets *total; returns 0 or UA_ENOENT. */
int ua_catalog_list(uint8_t scope, uint64_t lib, uint64_t obj, uint64_t start,
		    uint32_t *total, ua_emit_fn emit, void *ctx);

/* A typed value as it travels. For charp, `str`/`len` point at a string the
 * getter allocated (freed by ua_value_release) or at request bytes. */
struct ua_value {
	uint8_t type;
	int64_t s;
	uint64_t u;
	const char *str;
	size_t len;
	char *owned;
};

void ua_value_release(struct ua_value *v);

/* Reads entry (lib, slot, entry) of §3.3. Returns 0 or a wire errno. */
int ua_catalog_get(uint64_t lib, uint64_t slot, uint64_t entry,
		   struct ua_value *out);

/* Calls the entry's setter. `v->str` must be NUL-terminated for charp.
 * Returns 0 or a wire errno (ENOENT, EACCES, EINVAL, the setter's own). */
int ua_catalog_set(uint64_t lib, uint64_t slot, uint64_t entry,
		   const struct ua_value *v);

/* Structure generation (§5). ua_catalog_start() sets it to 1: objects that
 * exist when the agent starts are the boot tree, not changes. */
void ua_catalog_start(void);
uint64_t ua_catalog_generation(void);

/* Events (§3.7): queued only while watching; the queue is fixed-size and a
 * full queue drops events (the generation tells the host). */
struct ua_event {
	uint8_t kind;
	uint16_t lib;
	uint64_t obj;
	uint64_t generation;
	uint8_t name_len;
	char name[UA_NAME_MAX];
};

void ua_catalog_watch(int on);
int ua_catalog_pop_event(struct ua_event *ev); /* 1 when one was taken */

/* Entry points of the ukstore event handlers (also used by tests).
 * on_create acquires the object (the agent's own reference, kept while it
 * is in the table); on_release only unlists it. */
void ua_catalog_on_create(uint16_t lib, uint64_t obj);
void ua_catalog_on_release(uint16_t lib, uint64_t obj);

/* Agent thread, once per poll: unlists objects whose owner has released
 * them (only the agent's reference left) and drops the references of
 * unlisted objects. ua_catalog_generation() does it too. */
void ua_catalog_maintain(void);

/* Counters for diagnostics and tests. */
struct ua_catalog_stats {
	uint32_t objects;        /* listed objects in the table */
	uint32_t references;     /* ukstore references the agent holds */
	uint32_t table_full;     /* creations not recorded: table full */
	uint32_t events_dropped; /* events lost: queue full */
	uint32_t orphans;        /* objects unlisted: only our reference left */
	uint32_t names_skipped;  /* names left out now: invalid, or repeated */
};
void ua_catalog_stats(struct ua_catalog_stats *st);

#endif /* UKSTOREAGENT_CATALOG_H */
