/* SPDX-License-Identifier: BSD-3-Clause */
/* Listing directories and finding entries in them; see directory.h. */
#include "directory.h"

#include <uk/store.h>

#include "catalog.h"
#include "objects.h"
#include "port.h"
#include "store_view.h"
#include "wire.h"

/* One object's entries while listing or looking up; only the agent thread
 * does either, so one static array instead of a large stack frame. */
static const struct uk_store_entry *obj_ents[UA_MAX_OBJ_ENTRIES];

/* --- ordered walks ------------------------------------------------------
 * Children are listed in id order (§3.2, docs/simulated-store.md), but the
 * sources are unordered: a section (upstream emits it in reverse), a list, a
 * table. Rather than sort into scratch, each step picks the smallest
 * (key, index) above the previous one: O(n) a child, no memory. */
struct ua_seq {
	size_t n;
	uint64_t (*key)(const void *base, size_t i);
	int (*ok)(const void *base, size_t i);
	void (*child)(const void *base, size_t i, struct ua_child *c);
	const void *base;
};

static int seq_next(const struct ua_seq *s, int first, uint64_t pk, size_t pi,
		    size_t *out)
{
	int found = 0;
	uint64_t bk = 0;
	size_t bi = 0;

	for (size_t i = 0; i < s->n; i++) {
		uint64_t k;

		if (!s->ok(s->base, i))
			continue;
		k = s->key(s->base, i);
		if (!first && (k < pk || (k == pk && i <= pi)))
			continue;
		if (!found || k < bk || (k == bk && i < bi)) {
			found = 1;
			bk = k;
			bi = i;
		}
	}
	*out = bi;
	return found;
}

static uint32_t seq_count(const struct ua_seq *s)
{
	uint32_t c = 0;

	for (size_t i = 0; i < s->n && c < 65535; i++)
		c += s->ok(s->base, i) ? 1 : 0;
	return c;
}

/* Emits the children of `s` whose rank r (counted across sequences through
 * *rank) is ≥ start. Returns 0 once emit said the page is full. */
static int seq_emit(const struct ua_seq *s, uint64_t start, uint64_t *rank,
		    ua_emit_fn emit, void *ctx)
{
	int first = 1;
	uint64_t pk = 0;
	size_t pi = 0, i;

	while (seq_next(s, first, pk, pi, &i)) {
		if (*rank >= start) {
			struct ua_child c;

			s->child(s->base, i, &c);
			if (!emit(ctx, &c))
				return 0;
		}
		(*rank)++;
		first = 0;
		pk = s->key(s->base, i);
		pi = i;
	}
	return 1;
}

static void entry_child(const struct uk_store_entry *e, struct ua_child *c)
{
	c->kind = UA_KIND_ENTRY;
	c->id = e->id;
	c->tinfo = ua_entry_tinfo(e);
	c->name = e->name;
	c->name_len = ua_bounded_strlen(e->name, 255);
}

/* Sequence of static entries (base: first entry of a section) */
static uint64_t sent_key(const void *b, size_t i)
{
	return ((const struct uk_store_entry *)b)[i].id;
}
static int sent_ok(const void *b, size_t i)
{
	return ua_entry_ok(&((const struct uk_store_entry *)b)[i]);
}
static void sent_child(const void *b, size_t i, struct ua_child *c)
{
	entry_child(&((const struct uk_store_entry *)b)[i], c);
}

/* Sequence of an object's entries (base: obj_ents) */
static uint64_t oent_key(const void *b, size_t i)
{
	return ((const struct uk_store_entry *const *)b)[i]->id;
}
static int oent_ok(const void *b, size_t i)
{
	return ua_entry_ok(((const struct uk_store_entry *const *)b)[i]);
}
static void oent_child(const void *b, size_t i, struct ua_child *c)
{
	entry_child(((const struct uk_store_entry *const *)b)[i], c);
}

/* Sequence of one library's objects in the table (base: &lib) */
static uint64_t obj_key(const void *b, size_t i)
{
	(void)b;
	return ua_objs[i].id;
}
static int obj_ok(const void *b, size_t i)
{
	return ua_obj_listed(i, *(const uint16_t *)b);
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

/* Sequence of libraries (base unused) */
static int lib_has_objects(uint16_t lib)
{
	for (size_t i = 0; i < UA_MAX_OBJECTS; i++)
		if (ua_obj_listed(i, lib))
			return 1;
	return 0;
}
static int lib_has_statics(uint16_t lib)
{
	const struct uk_store_entry *b;
	size_t n;

	ua_lib_statics(lib, &b, &n);
	for (size_t i = 0; i < n; i++)
		if (ua_entry_ok(&b[i]))
			return 1;
	return 0;
}
static uint64_t lib_key(const void *b, size_t i)
{
	(void)b;
	return i;
}
static int lib_ok(const void *b, size_t i)
{
	const char *name;
	size_t len;

	(void)b;
	return ua_lib_name((uint16_t)i, &name, &len) &&
	       (lib_has_statics((uint16_t)i) || lib_has_objects((uint16_t)i));
}
static void lib_child(const void *b, size_t i, struct ua_child *c)
{
	(void)b;
	c->kind = UA_KIND_LIBRARY;
	c->id = i;
	c->tinfo = 0;
	ua_lib_name((uint16_t)i, &c->name, &c->name_len);
}

static int list_root(uint64_t start, uint32_t *total, ua_emit_fn emit,
		     void *ctx)
{
	struct ua_seq s = { ua_nlibs(), lib_key, lib_ok, lib_child, NULL };
	uint64_t rank = 0;

	ua_port_lock();
	*total = seq_count(&s);
	seq_emit(&s, start, &rank, emit, ctx);
	ua_port_unlock();
	return 0;
}

static int list_library(uint16_t lib, uint64_t start, uint32_t *total,
			ua_emit_fn emit, void *ctx)
{
	const struct uk_store_entry *b;
	size_t n;
	struct ua_seq st, ob = { UA_MAX_OBJECTS, obj_key, obj_ok, obj_child,
				 &lib };
	uint64_t rank = 0;
	uint32_t tot;

	ua_lib_statics(lib, &b, &n);
	st = (struct ua_seq){ n, sent_key, sent_ok, sent_child, b };
	ua_port_lock();
	tot = seq_count(&st) + seq_count(&ob);
	if (tot == 0 || !lib_ok(NULL, lib)) {
		ua_port_unlock();
		return UA_ENOENT;
	}
	*total = tot > 65535 ? 65535 : tot;
	if (seq_emit(&st, start, &rank, emit, ctx))
		seq_emit(&ob, start, &rank, emit, ctx);
	ua_port_unlock();
	return 0;
}

static int list_object(uint16_t lib, uint64_t obj, uint64_t start,
		       uint32_t *total, ua_emit_fn emit, void *ctx)
{
	struct ua_obj *slot;
	struct uk_store_object *o = ua_obj_pin(lib, obj, &slot);
	struct ua_seq s = { 0, oent_key, oent_ok, oent_child, obj_ents };
	uint64_t rank = 0;

	if (!o)
		return UA_ENOENT;
	s.n = ua_obj_entries(o, obj_ents, UA_MAX_OBJ_ENTRIES);
	*total = seq_count(&s);
	seq_emit(&s, start, &rank, emit, ctx);
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

int ua_dir_find_entry(uint64_t lib, uint64_t slot, uint64_t id,
		      const struct uk_store_entry **out, struct ua_obj **pinned)
{
	struct uk_store_object *o;
	size_t n;

	*pinned = NULL;
	if (lib >= ua_nlibs())
		return UA_ENOENT;
	if (slot == 0) {
		const struct uk_store_entry *b;

		ua_lib_statics((uint16_t)lib, &b, &n);
		for (size_t i = 0; i < n; i++)
			if (b[i].id == id && ua_entry_ok(&b[i])) {
				*out = &b[i];
				return 0;
			}
		return UA_ENOENT;
	}
	o = ua_obj_pin(lib, slot - 1, pinned);
	if (!o)
		return UA_ENOENT;
	n = ua_obj_entries(o, obj_ents, UA_MAX_OBJ_ENTRIES);
	for (size_t i = 0; i < n; i++)
		if (obj_ents[i]->id == id && ua_entry_ok(obj_ents[i])) {
			*out = obj_ents[i];
			return 0;
		}
	ua_obj_unpin(*pinned);
	*pinned = NULL;
	return UA_ENOENT;
}
