/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The object table: the dynamic objects the agent has learnt of from
 * ukstore's events, each with the ukstore reference the agent holds on it.
 *
 * A slot that is not FREE holds one reference (`ref`, taken with
 * uk_store_obj_acquire() in the create-event handler), so the object's
 * memory (struct, name, entries) stays valid as long as the slot does,
 * whatever its owner does:
 * - LIVE: listed; LIST/GET/SET use `ref` directly (pinned, see
 *   ua_obj_pin()), never acquiring by id again;
 * - DEAD: no longer listed (release event, or found orphaned), the
 *   reference not yet dropped: the slot is pinned by a call in progress, or
 *   the release event came from an event handler, where the agent does not
 *   call back into ukstore's release. The agent thread drops it
 *   (ua_objs_reap(), ua_obj_unpin()).
 * No ukstore call is made under the agent's lock (reading an object's
 * refcount is a load from memory the agent's reference keeps valid).
 */
#ifndef UKSTOREAGENT_OBJECTS_H
#define UKSTOREAGENT_OBJECTS_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct uk_store_object;

enum { UA_SLOT_FREE = 0, UA_SLOT_LIVE = 1, UA_SLOT_DEAD = 2 };

struct ua_obj {
	uint8_t used;      /* UA_SLOT_* */
	uint8_t name_len;  /* 0: a name the host would refuse, never listed */
	uint16_t lib;
	uint16_t names_skipped; /* entries the object's directory leaves out */
	uint32_t pins;     /* calls of the agent thread using `ref` */
	uint64_t id;
	struct uk_store_object *ref;
	char name[UA_NAME_MAX];
};

/* The table; read it under ua_port_lock(). Slots are taken lowest first,
 * and none at or above ua_objs_used has ever been: walks stop there. */
extern struct ua_obj ua_objs[UA_MAX_OBJECTS];
extern size_t ua_objs_used;

/* Caller holds the lock: slot i is a listed object of library lib. */
static inline int ua_obj_listed(size_t i, uint16_t lib)
{
	return ua_objs[i].used == UA_SLOT_LIVE && ua_objs[i].name_len &&
	       ua_objs[i].lib == lib;
}

/* Agent thread: pins listed object `obj` of `lib` for one call and returns
 * it (NULL if it is not listed, or orphaned). Release with ua_obj_unpin()
 * (which takes NULL). */
struct uk_store_object *ua_obj_pin(uint64_t lib, uint64_t obj,
				   struct ua_obj **slot);
void ua_obj_unpin(struct ua_obj *slot);

/* Agent thread: unlists objects whose owner has released them (only the
 * agent's reference left) and drops the references of unlisted objects. */
void ua_objs_reap(void);

/* The table's counts for ua_catalog_stats(), added to *listed and
 * *references; caller holds the port lock. */
void ua_objs_count(uint32_t *listed, uint32_t *references,
		   uint32_t *full, uint32_t *orphaned_count);


/* Entry points of the ukstore event handlers (also used by tests).
 * on_create acquires the object (the agent's own reference, kept while it
 * is in the table); on_release only unlists it. */
void ua_catalog_on_create(uint16_t lib, uint64_t obj);
void ua_catalog_on_release(uint16_t lib, uint64_t obj);

/* Agent thread, once per poll: unlists objects whose owner has released
 * them (only the agent's reference left) and drops the references of
 * unlisted objects. ua_catalog_generation() does it too. */
void ua_catalog_maintain(void);

#endif /* UKSTOREAGENT_OBJECTS_H */
