/* SPDX-License-Identifier: BSD-3-Clause */
/* Listing directories and finding entries in them; see directory.h. */
#include "directory.h"

#include <uk/store.h>

#include "catalog.h"
#include "names.h"
#include "objects.h"
#include "port.h"
#include "store_view.h"
#include "walk.h"
#include "wire.h"

/* One object's entries while listing or looking up; only the agent thread
 * does either, so one static array instead of a large stack frame. */
static const struct uk_store_entry *obj_ents[UA_MAX_OBJ_ENTRIES];

/* --- the children ------------------------------------------------------- */
static int entry_name(const struct uk_store_entry *e, const char **s,
		      size_t *len)
{
	return ua_entry_typed(e) && ua_entry_name(e, s, len);
}

static void entry_child(const struct uk_store_entry *e, struct ua_child *c)
{
	c->kind = UA_KIND_ENTRY;
	c->id = e->id;
	c->tinfo = ua_entry_tinfo(e);
	ua_entry_name(e, &c->name, &c->name_len);
}

/* Static entries (base: first entry of a section) */
static uint64_t sent_key(const void *b, size_t i)
{
	return ((const struct uk_store_entry *)b)[i].id;
}
static int sent_name(const void *b, size_t i, const char **s, size_t *len)
{
	return entry_name(&((const struct uk_store_entry *)b)[i], s, len);
}
static void sent_child(const void *b, size_t i, struct ua_child *c)
{
	entry_child(&((const struct uk_store_entry *)b)[i], c);
}

/* An object's entries (base: obj_ents) */
static uint64_t oent_key(const void *b, size_t i)
{
	return ((const struct uk_store_entry *const *)b)[i]->id;
}
static int oent_name(const void *b, size_t i, const char **s, size_t *len)
{
	return entry_name(((const struct uk_store_entry *const *)b)[i], s, len);
}
static void oent_child(const void *b, size_t i, struct ua_child *c)
{
	entry_child(((const struct uk_store_entry *const *)b)[i], c);
}

/* One library's objects in the table (base: the library id) */
static uint64_t obj_key(const void *b, size_t i)
{
	(void)b;
	return ua_objs[i].id;
}
static int obj_name(const void *b, size_t i, const char **s, size_t *len)
{
	if (!ua_obj_listed(i, *(const uint16_t *)b))
		return 0;
	*s = ua_objs[i].name;
	*len = ua_objs[i].name_len;
	return 1;
}
static void obj_child(const void *b, size_t i, struct ua_child *c)
{
	(void)b;
	c->kind = UA_KIND_OBJECT;
	c->id = ua_objs[i].id;
	c->tinfo = 0;
	c->name = ua_objs[i].name;
	c->name_len = ua_objs[i].name_len;
}

/* Libraries (base unused): those with a child to list. */
static uint64_t lib_key(const void *b, size_t i)
{
	(void)b;
	return i;
}
static int lib_has_children(uint16_t lib)
{
	const struct uk_store_entry *b;
	const char *s;
	size_t n, len;

	/* a library's first candidate in listing order is always shown */
	ua_lib_statics(lib, &b, &n);
	for (size_t i = 0; i < n; i++)
		if (entry_name(&b[i], &s, &len))
			return 1;
	for (size_t i = 0; i < ua_objs_used; i++)
		if (ua_obj_listed(i, lib))
			return 1;
	return 0;
}
static int lib_name(const void *b, size_t i, const char **s, size_t *len)
{
	(void)b;
	return ua_lib_name((uint16_t)i, s, len) &&
	       lib_has_children((uint16_t)i);
}
static void lib_child(const void *b, size_t i, struct ua_child *c)
{
	(void)b;
	c->kind = UA_KIND_LIBRARY;
	c->id = i;
	c->tinfo = 0;
	ua_lib_name((uint16_t)i, &c->name, &c->name_len);
}

/* The static entries of library lib alone: they never change, so this
 * needs no lock (a static entry is never hidden by an object). */
static void statics_dir(uint16_t lib, struct ua_dir *d)
{
	const struct uk_store_entry *b;
	size_t n;

	ua_lib_statics(lib, &b, &n);
	d->nseq = 1;
	d->seq[0] = (struct ua_seq){ n, b, sent_key, sent_name, sent_child };
}

/* Caller holds the lock: the directory of library *lib (which must outlive
 * it). */
static void library_dir(const uint16_t *lib, struct ua_dir *d)
{
	statics_dir(*lib, d);
	d->nseq = 2;
	d->seq[1] = (struct ua_seq){ ua_objs_used, lib, obj_key, obj_name,
				     obj_child };
}

/* Agent thread: pins object `obj` of `lib` if it is listed and shown. */
static struct uk_store_object *pin_shown(uint16_t lib, uint64_t obj,
					 struct ua_obj **slot)
{
	struct uk_store_object *o = ua_obj_pin(lib, obj, slot);
	struct ua_dir d;
	int hidden;

	if (!o)
		return NULL;
	ua_port_lock();
	library_dir(&lib, &d);
	hidden = !ua_walk_shown(&d, 1, (size_t)(*slot - ua_objs));
	ua_port_unlock();
	if (!hidden)
		return o;
	ua_obj_unpin(*slot);
	*slot = NULL;
	return NULL;
}

/* --- listing ------------------------------------------------------------ */
static int list_root(uint64_t start, uint32_t *total, ua_emit_fn emit,
		     void *ctx)
{
	struct ua_dir d = { 1, { { ua_nlibs(), NULL, lib_key, lib_name,
				   lib_child } } };

	ua_port_lock();
	*total = ua_walk_count(&d);
	ua_walk_emit(&d, start, emit, ctx);
	ua_port_unlock();
	return 0;
}

static int list_library(uint16_t lib, uint64_t start, uint32_t *total,
			ua_emit_fn emit, void *ctx)
{
	struct ua_dir d;
	const char *name;
	size_t len;
	int listed;

	ua_port_lock();
	library_dir(&lib, &d);
	/* a library the root does not list has no directory (§3.2) */
	listed = lib_name(NULL, lib, &name, &len);
	if (listed) {
		*total = ua_walk_count(&d);
		ua_walk_emit(&d, start, emit, ctx);
	}
	ua_port_unlock();
	return listed ? 0 : UA_ENOENT;
}

static int list_object(uint16_t lib, uint64_t obj, uint64_t start,
		       uint32_t *total, ua_emit_fn emit, void *ctx)
{
	struct ua_obj *slot;
	struct uk_store_object *o = pin_shown(lib, obj, &slot);
	struct ua_dir d = { 1, { { 0, obj_ents, oent_key, oent_name,
				   oent_child } } };

	if (!o)
		return UA_ENOENT;
	d.seq[0].n = ua_obj_entries(o, obj_ents, UA_MAX_OBJ_ENTRIES);
	*total = ua_walk_count(&d);
	ua_walk_emit(&d, start, emit, ctx);
	ua_obj_unpin(slot);
	return 0;
}

int ua_catalog_list(uint8_t scope, uint64_t lib, uint64_t obj, uint64_t start,
		    uint32_t *total, ua_emit_fn emit, void *ctx)
{
	*total = 0;
	if (scope == 0)
		return list_root(start, total, emit, ctx);
	if (lib >= ua_nlibs())
		return UA_ENOENT;
	if (scope == 1)
		return list_library((uint16_t)lib, start, total, emit, ctx);
	return list_object((uint16_t)lib, obj, start, total, emit, ctx);
}

/* --- lookup ------------------------------------------------------------- */
/* The first shown entry of directory d (one sequence) with that id. */
static int find_id(const struct ua_dir *d, uint64_t id, size_t *out)
{
	const struct ua_seq *s = &d->seq[0];

	for (size_t i = 0; i < s->n; i++)
		if (s->key(s->base, i) == id && ua_walk_shown(d, 0, i)) {
			*out = i;
			return 1;
		}
	return 0;
}

int ua_dir_find_entry(uint64_t lib, uint64_t slot, uint64_t id,
		      const struct uk_store_entry **out, struct ua_obj **pinned)
{
	struct uk_store_object *o;
	struct ua_dir d;
	size_t i;

	*pinned = NULL;
	if (lib >= ua_nlibs())
		return UA_ENOENT;
	if (slot == 0) {
		statics_dir((uint16_t)lib, &d);
		if (!find_id(&d, id, &i))
			return UA_ENOENT;
		*out = &((const struct uk_store_entry *)d.seq[0].base)[i];
		return 0;
	}
	o = pin_shown((uint16_t)lib, slot - 1, pinned);
	if (!o)
		return UA_ENOENT;
	d = (struct ua_dir){ 1, { { ua_obj_entries(o, obj_ents,
						     UA_MAX_OBJ_ENTRIES),
				    obj_ents, oent_key, oent_name,
				    oent_child } } };
	if (find_id(&d, id, &i)) {
		*out = obj_ents[i];
		return 0;
	}
	ua_obj_unpin(*pinned);
	*pinned = NULL;
	return UA_ENOENT;
}

/* --- what is left out for its name -------------------------------------- */
uint32_t ua_dir_names_skipped(void)
{
	uint32_t c = 0;

	for (uint16_t l = 0; l < ua_nlibs(); l++) {
		const struct uk_store_entry *b;
		const char *s;
		size_t len;
		struct ua_dir d;

		library_dir(&l, &d);
		b = d.seq[0].base;
		for (size_t i = 0; i < d.seq[0].n; i++)
			if (ua_entry_typed(&b[i]) && !ua_walk_shown(&d, 0, i))
				c++;
		for (size_t i = 0; i < ua_objs_used; i++) {
			const struct ua_obj *o = &ua_objs[i];

			if (o->used != UA_SLOT_LIVE || o->lib != l)
				continue;
			if (!obj_name(&l, i, &s, &len) || !ua_walk_shown(&d, 1, i))
				c++;
			else
				c += o->names_skipped;
		}
	}
	return c;
}
