/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Where the catalog hooks into ukstore: its object events. The catalog's
 * parts: store_view.c (reading ukstore's structures), names.c (names as the
 * host sees them), objects.c (the object table and its references),
 * events.c (generation, event queue), walk.c (ordered walks, repeated
 * names), directory.c (listing, finding entries), values.c (GET, SET).
 */
#include "catalog.h"

#include <string.h>

#include <uk/event.h>
#include <uk/store.h>

#include "port.h"

/* ukstore raises CREATE_OBJECT from _uk_store_obj_add(), in whatever thread
 * adds the object, from boot on: the table is static so it is ready before
 * the agent runs. Handlers answer NOT_HANDLED so that other consumers see
 * the event too.
 *
 * KNOWN GAP (unikraft d6d672f1 lib/ukstore/store.c): RELEASE_OBJECT is
 * declared (UK_EVENT) but never raised, and uk_store_obj_acquire() of an id
 * no longer in the library's list does not return NULL (its list walk ends
 * on the list head, and it increments memory computed from it). Hence:
 * - the agent holds a reference on every object it lists (acquired once,
 *   in the create handler, ua_catalog_on_create(), with the id of the
 *   event being handled) and never acquires by id again: the object's
 *   memory stays valid for as long as it is listed.
 *   uk_store_obj_release() frees an object (its name and entries; the
 *   struct itself is leaked at d6d672f1) only when the last reference goes,
 *   so an owner's release no longer frees what the agent reads.
 * - the cost: the agent keeps an object its owner released alive until it
 *   notices; the object is still in ukstore's list, so other consumers can
 *   still acquire it too.
 * - noticing: ukstore has no way to say "the owner released it". The agent
 *   reads the refcount (uk_refcount_read) before each use and on every
 *   poll: a count of 1 is its own reference alone, so nobody else holds
 *   one and ukstore would have freed the object: the agent unlists it
 *   (generation, RELEASED event) and drops its reference, which frees it.
 * - what remains: while another consumer also holds a reference, the count
 *   stays above 1 after the owner's release and the agent keeps listing
 *   the object; a GET/SET then calls its getters/setters with its cookie,
 *   which may point at driver state the owner has freed. The agent cannot
 *   detect that; memory safety of the object itself holds, of the cookie
 *   it is the owner's: upstream has no destructor callback to tell an
 *   owner when the last reference is gone. Likewise, an owner that frees
 *   its state before dropping its reference races with a GET in progress.
 *   Upstream's own producers (e.g. uknetdev) never release their objects.
 */
static int on_create_event(void *arg)
{
	struct uk_store_event_data *d = arg;

	if (d)
		ua_catalog_on_create(d->library_id, d->object_id);
	return UK_EVENT_NOT_HANDLED;
}

static int on_release_event(void *arg)
{
	struct uk_store_event_data *d = arg;

	if (d)
		ua_catalog_on_release(d->library_id, d->object_id);
	return UK_EVENT_NOT_HANDLED;
}

UK_EVENT_HANDLER(UKSTORE_EVENT_CREATE_OBJECT, on_create_event);
UK_EVENT_HANDLER(UKSTORE_EVENT_RELEASE_OBJECT, on_release_event);

/* Gathers what each part counts; under the lock, so the figures are of one
 * moment. */
void ua_catalog_stats(struct ua_catalog_stats *st)
{
	memset(st, 0, sizeof(*st));
	ua_port_lock();
	ua_objs_count(&st->objects, &st->references, &st->table_full,
		      &st->orphans);
	st->events_dropped = ua_events_dropped();
	st->names_skipped = ua_dir_names_skipped();
	ua_port_unlock();
}
