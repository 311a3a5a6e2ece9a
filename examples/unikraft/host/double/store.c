/*
 * Test double of lib/ukstore/store.c (object API). Written from upstream's
 * semantics (unikraft d6d672f1 lib/ukstore/store.c, include/uk/refcount.h),
 * not copied:
 * - objects hold their entries in `entry_head`, each wrapped in the same
 *   private struct as upstream (entry, object, list_head);
 * - refcount starts at 1 (the producer's, uk_store_obj_alloc);
 *   uk_store_obj_acquire() increments it; uk_store_obj_release() decrements
 *   it unless it is the last reference (uk_refcount_release_if_not_last),
 *   and on the last one unlinks the object and frees it;
 * - _uk_store_obj_add() raises UKSTORE_EVENT_CREATE_OBJECT (RELEASE_OBJECT
 *   is raised by sim.c's netdev producer, not here: upstream raises it
 *   nowhere);
 * - getters/setters: -EIO without a function, conversions between types
 *   range-checked (-ERANGE), charp getters return a string the caller frees.
 * Stricter than upstream, to catch misuse in tests (any of these aborts):
 * - uk_store_obj_acquire() of an id not in the library's list (upstream
 *   returns a pointer computed from the list head and increments memory
 *   there);
 * - uk_store_obj_release() of an object that is not live (double release);
 * - dbl_store_assert_live() of an object that is not live: the agent calls
 *   it (UA_OBJ_CHECK) before each access to an object.
 * A freed object's struct is poisoned and held in a quarantine ring, so its
 * address is not reused while a stale pointer to it may still be around
 * (upstream at d6d672f1 frees the name and entries but leaks the struct;
 * the double treats all of it as gone). Entries and names are free()d at
 * once, for ASan to catch any later read.
 * Allocation goes through the C allocator, which the tests count.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uk/event.h>
#include <uk/libid.h>
#include <uk/refcount.h>
#include <uk/store.h>

#include <uk/bits/store_array.h>

struct uk_store_object_entry {
	struct uk_store_entry entry;
	struct uk_store_object *object;
	struct uk_list_head list_head;
} __align8;

#define OBJECT_ENTRY(e) \
	((struct uk_store_object_entry *)((char *)(e) - \
	 offsetof(struct uk_store_object_entry, entry)))

static struct uk_list_head dynamic_heads[__UKLIBID_COUNT__];
static long live_objects;

static const char *const libnames[__UKLIBID_COUNT__] = {
	"libukalloc", "libukfalloc", "libuknetdev", "libukprint",
	"libuksched", "appsim", "libukstoreagent",
};

__u16 uk_libid_count(void)
{
	return __UKLIBID_COUNT__;
}

static const char *only_libraries;

void dbl_store_only(const char *names)
{
	only_libraries = names;
}

/* Whether `name` is a whole item of the comma-separated only_libraries. */
static int shown(const char *name)
{
	size_t len = strlen(name);
	const char *p = only_libraries;

	if (!p)
		return 1;
	while (*p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n == len && !strncmp(p, name, len))
			return 1;
		p += n + (end ? 1 : 0);
	}
	return 0;
}

const char *uk_libname(__u16 libid)
{
	if (libid >= __UKLIBID_COUNT__ || !shown(libnames[libid]))
		return NULL;
	return libnames[libid];
}

/* --- events -------------------------------------------------------------- */
#define MAX_HANDLERS 16
static struct { const char *event; uk_event_handler_t fn; } handlers[MAX_HANDLERS];
static int nhandlers;

void dbl_event_register(const char *event, uk_event_handler_t fn)
{
	if (nhandlers < MAX_HANDLERS) {
		handlers[nhandlers].event = event;
		handlers[nhandlers].fn = fn;
		nhandlers++;
	}
}

int dbl_raise_event(const char *event, void *data)
{
	for (int i = 0; i < nhandlers; i++)
		if (!strcmp(handlers[i].event, event) &&
		    handlers[i].fn(data) == UK_EVENT_HANDLED)
			return UK_EVENT_HANDLED;
	return UK_EVENT_NOT_HANDLED;
}

/* --- objects ------------------------------------------------------------- */
static struct uk_list_head *heads(__u16 lib)
{
	struct uk_list_head *h = &dynamic_heads[lib];

	if (!h->next)
		UK_INIT_LIST_HEAD(h);
	return h;
}

struct uk_store_object *
uk_store_obj_alloc(struct uk_alloc *a, __u64 id, const char *name,
		   const struct uk_store_entry *entries[], void *cookie)
{
	struct uk_store_object *o = calloc(1, sizeof(*o));

	if (!o)
		return ERR2PTR(ENOMEM);
	o->name = strdup(name);
	if (!o->name) {
		free(o);
		return ERR2PTR(ENOMEM);
	}
	o->a = a;
	o->id = id;
	o->cookie = cookie;
	uk_refcount_init(&o->refcount, 1);
	UK_INIT_LIST_HEAD(&o->object_head);
	UK_INIT_LIST_HEAD(&o->entry_head);
	for (size_t i = 0; entries[i]; i++) {
		struct uk_store_object_entry *oe = calloc(1, sizeof(*oe));

		if (!oe)
			return ERR2PTR(ENOMEM);
		oe->entry = *entries[i];
		oe->entry.name = strdup(entries[i]->name);
		oe->entry.flags = 0;
		oe->object = o;
		/* head insertion, as upstream: the list runs in reverse */
		uk_list_add(&oe->list_head, &o->entry_head);
	}
	return o;
}

int _uk_store_obj_add(__u16 library_id, struct uk_store_object *o)
{
	struct uk_store_event_data d;

	if (library_id >= __UKLIBID_COUNT__)
		return -EINVAL;
	o->libid = library_id;
	uk_list_add(&o->object_head, heads(library_id));
	live_objects++;
	d.library_id = library_id;
	d.object_id = o->id;
	uk_raise_event(UKSTORE_EVENT_CREATE_OBJECT, &d);
	return 0;
}

static void dbl_fail(const char *what, const struct uk_store_object *o)
{
	fprintf(stderr, "ukstore double: %s (object %p)\n", what, (const void *)o);
	abort();
}

static int is_live(const struct uk_store_object *o)
{
	for (unsigned l = 0; l < __UKLIBID_COUNT__; l++) {
		struct uk_list_head *h = &dynamic_heads[l], *p;

		if (!h->next)
			continue;
		for (p = h->next; p != h; p = p->next)
			if ((const char *)p - offsetof(struct uk_store_object,
						      object_head) ==
			    (const char *)o)
				return 1;
	}
	return 0;
}

void dbl_store_assert_live(const struct uk_store_object *o)
{
	if (!o || !is_live(o))
		dbl_fail("access to an object that is not live (use after free)", o);
}

struct uk_store_object *uk_store_obj_acquire(__u16 library_id, __u64 object_id)
{
	struct uk_list_head *h, *p;

	if (library_id >= __UKLIBID_COUNT__)
		return NULL;
	h = heads(library_id);
	for (p = h->next; p != h; p = p->next) {
		struct uk_store_object *o = (struct uk_store_object *)
			((char *)p - offsetof(struct uk_store_object, object_head));

		if (o->id == object_id) {
			uk_refcount_acquire(&o->refcount);
			return o;
		}
	}
	/* upstream (d6d672f1) does not return NULL here */
	dbl_fail("uk_store_obj_acquire() of an id not in the library's list", NULL);
	return NULL;
}

#define QUARANTINE 64
static struct uk_store_object *quarantine[QUARANTINE];
static unsigned quarantine_next;

static void free_object(struct uk_store_object *o)
{
	struct uk_list_head *p = o->entry_head.next;

	while (p != &o->entry_head) {
		struct uk_store_object_entry *oe = (struct uk_store_object_entry *)
			((char *)p - offsetof(struct uk_store_object_entry, list_head));

		p = p->next;
		free(oe->entry.name);
		free(oe);
	}
	free(o->name);
	memset(o, 0x6b, sizeof(*o));
	free(quarantine[quarantine_next]);
	quarantine[quarantine_next] = o;
	quarantine_next = (quarantine_next + 1) % QUARANTINE;
}

void uk_store_obj_release(struct uk_store_object *o)
{
	if (!is_live(o))
		dbl_fail("uk_store_obj_release() of an object that is not live", o);
	if (uk_refcount_release_if_not_last(&o->refcount))
		return;
	uk_list_del(&o->object_head);
	live_objects--;
	free_object(o);
}

long dbl_store_live_objects(void)
{
	return live_objects;
}

long dbl_store_refs(void)
{
	long n = 0;

	for (unsigned l = 0; l < __UKLIBID_COUNT__; l++) {
		struct uk_list_head *h = &dynamic_heads[l], *p;

		if (!h->next)
			continue;
		for (p = h->next; p != h; p = p->next)
			n += uk_refcount_read(&((struct uk_store_object *)
				((char *)p - offsetof(struct uk_store_object,
						      object_head)))->refcount);
	}
	return n;
}

long dbl_store_refcount(const struct uk_store_object *o)
{
	return is_live(o) ? (long)uk_refcount_read(&o->refcount) : -1;
}

const struct uk_store_entry *uk_store_static_entry_get(__u16 libid, __u64 id)
{
	struct uk_store_entry *e, *stop;

	if (libid >= __UKLIBID_COUNT__)
		return NULL;
	e = static_entries[2 * libid];
	stop = static_entries[2 * libid + 1];
	for (; e && e != stop; ++e)
		if (e->id == id)
			return e;
	return NULL;
}

const struct uk_store_entry *
uk_store_obj_entry_get(struct uk_store_object *o, __u64 id)
{
	struct uk_list_head *p;

	for (p = o->entry_head.next; p != &o->entry_head; p = p->next) {
		struct uk_store_object_entry *oe = (struct uk_store_object_entry *)
			((char *)p - offsetof(struct uk_store_object_entry, list_head));
		if (oe->entry.id == id)
			return &oe->entry;
	}
	return NULL;
}

/* --- values --------------------------------------------------------------
 * Every integer goes through a wide form (sign + 64 bits) so that any
 * conversion is checked against the target type's range once. */
struct wide {
	int neg;     /* value is s < 0 */
	int64_t s;
	uint64_t u;  /* value when !neg */
};

static void *cookie_of(const struct uk_store_entry *e)
{
	return (e->flags & UK_STORE_ENTRY_FLAG_STATIC) ? NULL :
		OBJECT_ENTRY(e)->object->cookie;
}

static int fits(enum uk_store_entry_type t, struct wide w)
{
	static const int64_t smin[] = { 0, INT8_MIN, 0, INT16_MIN, 0, INT32_MIN, 0, INT64_MIN };
	static const int64_t smax[] = { 0, INT8_MAX, 0, INT16_MAX, 0, INT32_MAX, 0, INT64_MAX };
	static const uint64_t umax[] = { 0, 0, UINT8_MAX, 0, UINT16_MAX, 0, UINT32_MAX, 0, UINT64_MAX, UINTPTR_MAX };

	switch (t) {
	case UK_STORE_ENTRY_TYPE(s8): case UK_STORE_ENTRY_TYPE(s16):
	case UK_STORE_ENTRY_TYPE(s32): case UK_STORE_ENTRY_TYPE(s64):
		if (w.neg)
			return w.s >= smin[t];
		return w.u <= (uint64_t)smax[t];
	case UK_STORE_ENTRY_TYPE(u8): case UK_STORE_ENTRY_TYPE(u16):
	case UK_STORE_ENTRY_TYPE(u32): case UK_STORE_ENTRY_TYPE(u64):
	case UK_STORE_ENTRY_TYPE(uptr):
		return !w.neg && w.u <= umax[t];
	default:
		return 0;
	}
}

static struct wide from_s(int64_t s)
{
	struct wide w = { s < 0, s, s < 0 ? 0 : (uint64_t)s };
	return w;
}

static struct wide from_u(uint64_t u)
{
	struct wide w = { 0, 0, u };
	return w;
}

static int get_wide(const struct uk_store_entry *e, struct wide *w)
{
	void *c = cookie_of(e);
	int r;

	if (!e->get.u8)
		return -EIO;
	switch (e->type) {
#define GS(T) case UK_STORE_ENTRY_TYPE(T): { __##T x = 0; r = e->get.T(c, &x); *w = from_s(x); return r; }
#define GU(T) case UK_STORE_ENTRY_TYPE(T): { __##T x = 0; r = e->get.T(c, &x); *w = from_u(x); return r; }
	GS(s8) GU(u8) GS(s16) GU(u16) GS(s32) GU(u32) GS(s64) GU(u64) GU(uptr)
#undef GS
#undef GU
	case UK_STORE_ENTRY_TYPE(charp): {
		char *s = NULL, *end;

		r = e->get.charp(c, &s);
		if (r < 0)
			return r;
		errno = 0;
		if (s && s[0] == '-')
			*w = from_s(strtoll(s, &end, 0));
		else
			*w = from_u(s ? strtoull(s, &end, 0) : 0);
		r = (s && errno == 0 && *end == '\0') ? r : -EINVAL;
		free(s);
		return r;
	}
	default:
		return -EINVAL;
	}
}

static int set_wide(const struct uk_store_entry *e, struct wide w)
{
	void *c = cookie_of(e);

	if (!e->set.u8)
		return -EIO;
	if (e->type == UK_STORE_ENTRY_TYPE(charp)) {
		char buf[24];

		if (w.neg)
			snprintf(buf, sizeof(buf), "%" PRId64, w.s);
		else
			snprintf(buf, sizeof(buf), "%" PRIu64, w.u);
		return e->set.charp(c, buf);
	}
	if (!fits(e->type, w))
		return -ERANGE;
	switch (e->type) {
#define SS(T) case UK_STORE_ENTRY_TYPE(T): return e->set.T(c, (__##T)(w.neg ? w.s : (int64_t)w.u));
#define SU(T) case UK_STORE_ENTRY_TYPE(T): return e->set.T(c, (__##T)w.u);
	SS(s8) SU(u8) SS(s16) SU(u16) SS(s32) SU(u32) SS(s64) SU(u64) SU(uptr)
#undef SS
#undef SU
	default:
		return -EINVAL;
	}
}

#define GETTER(T, CTOR, FIELD)						\
int _uk_store_get_##T(const struct uk_store_entry *e, __##T *out)	\
{									\
	struct wide w;							\
	int r = get_wide(e, &w);					\
	if (r < 0)							\
		return r;						\
	if (!fits(UK_STORE_ENTRY_TYPE(T), w))				\
		return -ERANGE;						\
	*out = (__##T)(w.neg ? w.s : (int64_t)w.u);			\
	return r;							\
}
GETTER(s8, , ) GETTER(u8, , ) GETTER(s16, , ) GETTER(u16, , )
GETTER(s32, , ) GETTER(u32, , ) GETTER(s64, , ) GETTER(u64, , )
GETTER(uptr, , )
#undef GETTER

int _uk_store_get_charp(const struct uk_store_entry *e, char **out)
{
	struct wide w;
	char buf[24];
	int r;

	if (!e->get.u8)
		return -EIO;
	if (e->type == UK_STORE_ENTRY_TYPE(charp))
		return e->get.charp(cookie_of(e), out);
	r = get_wide(e, &w);
	if (r < 0)
		return r;
	if (e->type == UK_STORE_ENTRY_TYPE(uptr))
		snprintf(buf, sizeof(buf), "0x%" PRIx64, w.u);
	else if (w.neg)
		snprintf(buf, sizeof(buf), "%" PRId64, w.s);
	else
		snprintf(buf, sizeof(buf), "%" PRIu64, w.u);
	*out = strdup(buf);
	return *out ? r : -ENOMEM;
}

#define SETTER_S(T) int _uk_store_set_##T(const struct uk_store_entry *e, __##T v) \
	{ return set_wide(e, from_s(v)); }
#define SETTER_U(T) int _uk_store_set_##T(const struct uk_store_entry *e, __##T v) \
	{ return set_wide(e, from_u(v)); }
SETTER_S(s8) SETTER_U(u8) SETTER_S(s16) SETTER_U(u16) SETTER_S(s32)
SETTER_U(u32) SETTER_S(s64) SETTER_U(u64) SETTER_U(uptr)
#undef SETTER_S
#undef SETTER_U

int _uk_store_set_charp(const struct uk_store_entry *e, const char *val)
{
	char *end;
	struct wide w;

	if (!e->set.u8)
		return -EIO;
	if (e->type == UK_STORE_ENTRY_TYPE(charp))
		return e->set.charp(cookie_of(e), val);
	errno = 0;
	if (val[0] == '-')
		w = from_s(strtoll(val, &end, 0));
	else
		w = from_u(strtoull(val, &end, 0));
	if (errno || *end)
		return -EINVAL;
	return set_wide(e, w);
}
