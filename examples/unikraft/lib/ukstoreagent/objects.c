/* SPDX-License-Identifier: BSD-3-Clause */
/* The object table; see objects.h, and catalog.c for why the agent holds a
 * reference on every object it lists. */
#include "objects.h"

#include <string.h>

#include <uk/refcount.h>
#include <uk/store.h>

#include "events.h"
#include "names.h"
#include "port.h"
#include "store_view.h"

/* Host tests: the ukstore double aborts when `o` is not a live object.
 * Nothing on Unikraft. */
#ifndef UA_OBJ_CHECK
#define UA_OBJ_CHECK(o) ((void)(o))
#endif

struct ua_obj ua_objs[UA_MAX_OBJECTS];
size_t ua_objs_used;
static uint32_t table_full, orphans;

/* Caller holds the lock. */
static struct ua_obj *find_obj(uint64_t lib, uint64_t id)
{
	for (size_t i = 0; i < ua_objs_used; i++)
		if (ua_objs[i].used == UA_SLOT_LIVE && ua_objs[i].lib == lib &&
		    ua_objs[i].id == id)
			return &ua_objs[i];
	return NULL;
}

/* Caller holds the lock: the object leaves the listing (§5, §3.7). */
static void unlist(struct ua_obj *o)
{
	o->used = UA_SLOT_DEAD;
	ua_events_changed(UA_EV_RELEASED, o->lib, o->id, o->name, o->name_len);
}

/* Caller holds the lock: frees a DEAD, unpinned slot; returns its reference
 * for the caller to drop (uk_store_obj_release) after unlocking. */
static struct uk_store_object *take_ref(struct ua_obj *o)
{
	struct uk_store_object *r = o->ref;

	o->ref = NULL;
	o->used = UA_SLOT_FREE;
	return r;
}

static void drop_ref(struct uk_store_object *r)
{
	if (r) {
		UA_OBJ_CHECK(r);
		uk_store_obj_release(r);
	}
}

/*
 * Caller holds the lock. An object is orphaned when the agent's reference
 * is the only one left: its owner has dropped its own (without the release
 * event upstream never raises), and without the agent's reference ukstore
 * would have freed it. Reading the count is safe: the agent's reference
 * keeps the object. It cannot tell the owner's release apart while another
 * consumer also holds a reference (see the KNOWN GAP note in catalog.c).
 */
static int orphaned(const struct ua_obj *o)
{
	return uk_refcount_read(&o->ref->refcount) <= 1;
}

static struct uk_store_object *reap_refs[UA_MAX_OBJECTS];

void ua_objs_reap(void)
{
	size_t n = 0;

	ua_port_lock();
	for (size_t i = 0; i < ua_objs_used; i++) {
		struct ua_obj *o = &ua_objs[i];

		if (o->used == UA_SLOT_LIVE && orphaned(o)) {
			orphans++;
			unlist(o);
		}
		if (o->used == UA_SLOT_DEAD && !o->pins)
			reap_refs[n++] = take_ref(o);
	}
	ua_port_unlock();
	for (size_t i = 0; i < n; i++)
		drop_ref(reap_refs[i]);
}

void ua_catalog_maintain(void)
{
	ua_objs_reap();
}

struct uk_store_object *ua_obj_pin(uint64_t lib, uint64_t obj,
				   struct ua_obj **slot)
{
	struct uk_store_object *r = NULL, *drop = NULL;
	struct ua_obj *o;

	*slot = NULL;
	if (lib >= ua_nlibs())
		return NULL;
	ua_port_lock();
	o = find_obj(lib, obj);
	if (o && orphaned(o)) {
		orphans++;
		unlist(o);
		if (!o->pins)
			drop = take_ref(o);
		o = NULL;
	}
	if (o) {
		o->pins++;
		r = o->ref;
		*slot = o;
	}
	ua_port_unlock();
	drop_ref(drop);
	if (r)
		UA_OBJ_CHECK(r);
	return r;
}

void ua_obj_unpin(struct ua_obj *o)
{
	struct uk_store_object *drop = NULL;

	if (!o)
		return;
	ua_port_lock();
	if (--o->pins == 0 && o->used == UA_SLOT_DEAD)
		drop = take_ref(o);
	ua_port_unlock();
	drop_ref(drop);
}

/* A name the host refuses (§4.3) is not kept: the object stays in the
 * table, unlisted. Names longer than NAME_MAX are cut (and the cut name is
 * what the host sees). */
static uint8_t keep_name(const char *name, char *out)
{
	size_t len = name ? ua_bounded_strlen(name, UA_NAME_MAX) : 0;

	if (len > UA_NAME_MAX)
		len = UA_NAME_MAX;
	if (!len || !ua_name_ok(name, len))
		return 0;
	memcpy(out, name, len);
	return (uint8_t)len;
}

void ua_catalog_on_create(uint16_t lib, uint64_t obj)
{
	struct uk_store_object *o;
	struct ua_obj rec;

	/* The agent's own reference, kept while the object is in the table.
	 * Called from the create event, raised by _uk_store_obj_add() right
	 * after it linked the object at the head of the library's list, so
	 * this finds it (the newest object of that id). Upstream never
	 * returns NULL here (see the KNOWN GAP note); the check is for other
	 * versions. The name is copied now: LIST must not touch ukstore under
	 * our lock. */
	o = uk_store_obj_acquire(lib, obj);
	if (!o)
		return;
	memset(&rec, 0, sizeof(rec));
	rec.name_len = keep_name(o->name, rec.name);
	/* entries are fixed once the object is added: count them once */
	rec.names_skipped = ua_entries_skipped(o);
	rec.used = UA_SLOT_LIVE;
	rec.lib = lib;
	rec.id = obj;
	rec.ref = o;

	ua_port_lock();
	if (!find_obj(lib, obj)) {
		struct ua_obj *slot = NULL;

		size_t i;

		for (i = 0; i < UA_MAX_OBJECTS && !slot; i++)
			if (ua_objs[i].used == UA_SLOT_FREE)
				slot = &ua_objs[i];
		if (!slot) {
			table_full++;
		} else {
			if (i > ua_objs_used)
				ua_objs_used = i;
			*slot = rec;
			o = NULL; /* the slot keeps the reference */
			ua_events_changed(UA_EV_CREATED, lib, obj, slot->name,
					  slot->name_len);
		}
	}
	ua_port_unlock();
	/* not tracked (an object of that id is listed already, or the table
	 * is full): not ours to keep. Not the last reference: the producer's
	 * is still there while it adds the object. */
	if (o)
		uk_store_obj_release(o);
}

/* From the release event: unlists the object. Its reference is dropped by
 * the agent thread (reap, unpin), not here: the handler may run inside
 * ukstore (a future upstream could raise the event from
 * uk_store_obj_release() with its lock held). */
void ua_catalog_on_release(uint16_t lib, uint64_t obj)
{
	struct ua_obj *o;

	ua_port_lock();
	o = find_obj(lib, obj);
	if (o)
		unlist(o);
	ua_port_unlock();
}

void ua_objs_count(uint32_t *listed, uint32_t *references,
		   uint32_t *full, uint32_t *orphaned_count)
{
	*full = table_full;
	*orphaned_count = orphans;
	for (size_t i = 0; i < ua_objs_used; i++) {
		*listed += ua_objs[i].used == UA_SLOT_LIVE;
		*references += ua_objs[i].used != UA_SLOT_FREE;
	}
}
