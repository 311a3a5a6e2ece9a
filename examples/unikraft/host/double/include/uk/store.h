/*
 * Test double of Unikraft's <uk/store.h> (object API, 0.17 and later).
 * Same declarations and semantics as lib/ukstore/include/uk/store.h:
 * type codes, getter/setter signatures (negative errno), static entries,
 * refcounted objects with template entries, and the create/release events.
 * Double-only checks and counters at the end.
 */
#ifndef __UK_STORE_H__
#define __UK_STORE_H__

#include <string.h>
#include <uk/arch/types.h>
#include <uk/essentials.h>
#include <uk/list.h>
#include <uk/libid.h>

#ifndef CONFIG_LIBUKSTORE
#define CONFIG_LIBUKSTORE 1
#endif

enum uk_store_entry_type {
	_LIB_UK_STORE_ENTRY_TYPE___undef = 0,
	_LIB_UK_STORE_ENTRY_TYPE___s8,
	_LIB_UK_STORE_ENTRY_TYPE___u8,
	_LIB_UK_STORE_ENTRY_TYPE___s16,
	_LIB_UK_STORE_ENTRY_TYPE___u16,
	_LIB_UK_STORE_ENTRY_TYPE___s32,
	_LIB_UK_STORE_ENTRY_TYPE___u32,
	_LIB_UK_STORE_ENTRY_TYPE___s64,
	_LIB_UK_STORE_ENTRY_TYPE___u64,
	_LIB_UK_STORE_ENTRY_TYPE___uptr,
	_LIB_UK_STORE_ENTRY_TYPE___charp
};

#define UK_STORE_ENTRY_TYPE(simple_type) (_LIB_UK_STORE_ENTRY_TYPE___ ## simple_type)

typedef int (*uk_store_get_s8_func_t)(void *, __s8 *);
typedef int (*uk_store_get_u8_func_t)(void *, __u8 *);
typedef int (*uk_store_get_s16_func_t)(void *, __s16 *);
typedef int (*uk_store_get_u16_func_t)(void *, __u16 *);
typedef int (*uk_store_get_s32_func_t)(void *, __s32 *);
typedef int (*uk_store_get_u32_func_t)(void *, __u32 *);
typedef int (*uk_store_get_s64_func_t)(void *, __s64 *);
typedef int (*uk_store_get_u64_func_t)(void *, __u64 *);
typedef int (*uk_store_get_uptr_func_t)(void *, __uptr *);
typedef int (*uk_store_get_charp_func_t)(void *, char **);

typedef int (*uk_store_set_s8_func_t)(void *, __s8);
typedef int (*uk_store_set_u8_func_t)(void *, __u8);
typedef int (*uk_store_set_s16_func_t)(void *, __s16);
typedef int (*uk_store_set_u16_func_t)(void *, __u16);
typedef int (*uk_store_set_s32_func_t)(void *, __s32);
typedef int (*uk_store_set_u32_func_t)(void *, __u32);
typedef int (*uk_store_set_s64_func_t)(void *, __s64);
typedef int (*uk_store_set_u64_func_t)(void *, __u64);
typedef int (*uk_store_set_uptr_func_t)(void *, __uptr);
typedef int (*uk_store_set_charp_func_t)(void *, const char *);

struct uk_store_entry {
	union {
		uk_store_get_s8_func_t     s8;
		uk_store_get_u8_func_t     u8;
		uk_store_get_s16_func_t    s16;
		uk_store_get_u16_func_t    u16;
		uk_store_get_s32_func_t    s32;
		uk_store_get_u32_func_t    u32;
		uk_store_get_s64_func_t    s64;
		uk_store_get_u64_func_t    u64;
		uk_store_get_uptr_func_t   uptr;
		uk_store_get_charp_func_t  charp;
	} get;
	union {
		uk_store_set_s8_func_t    s8;
		uk_store_set_u8_func_t    u8;
		uk_store_set_s16_func_t   s16;
		uk_store_set_u16_func_t   u16;
		uk_store_set_s32_func_t   s32;
		uk_store_set_u32_func_t   u32;
		uk_store_set_s64_func_t   s64;
		uk_store_set_u64_func_t   u64;
		uk_store_set_uptr_func_t  uptr;
		uk_store_set_charp_func_t charp;
	} set;
	__u64 id;
	char *name;
	int flags;
	enum uk_store_entry_type type;
} __align8;

#define UK_STORE_ENTRY_FLAG_STATIC (1 << 0)

struct uk_alloc; /* the double allocates with the (counted) C allocator */

struct uk_store_object {
	struct uk_list_head object_head;
	struct uk_list_head entry_head;
	struct uk_alloc *a;
	__u16 libid;
	__u64 id;
	char *name;
	__atomic refcount;
	void *cookie;
} __align8;

struct uk_store_event_data {
	__u16 library_id;
	__u64 object_id;
};

/* Double-only: the initialiser of one static entry named by the string
 * ename. sim.c fills its per-library "sections" (arrays) with it. */
#define DBL_STORE_STATIC_ENTRY_INIT(eid, ename, e_type, e_get, e_set)	\
	{ .id = (eid), .name = (char *)(ename),				\
	  .type = UK_STORE_ENTRY_TYPE(e_type),				\
	  .get.e_type = (e_get), .set.e_type = (e_set),			\
	  .flags = UK_STORE_ENTRY_FLAG_STATIC }

/* A static entry of the library being compiled, as upstream places it: in
 * a section of that library's own, named from __LIBNAME__ (which the build
 * defines per library, -D__LIBNAME__=libfoo). The double's section names
 * are C identifiers so that the linker provides __start_/__stop_ bounds
 * (see <uk/bits/store_array.h>). `entry` is a bare name: it is
 * stringified, and also names the variable. */
#define DBL_STATIC_SECTION(lib) "uk_store_lib_" STRINGIFY(lib)
#define UK_STORE_STATIC_ENTRY(eid, entry, e_type, e_get, e_set)		\
	static const struct uk_store_entry __used __align8		\
	__attribute__((section(DBL_STATIC_SECTION(__LIBNAME__))))	\
	dbl_static_entry_##entry =					\
		DBL_STORE_STATIC_ENTRY_INIT(eid, STRINGIFY(entry),	\
					    e_type, e_get, e_set)

/* One entry of an object's template. Upstream passes `_name` through
 * STRINGIFY, expanding macros first: a bare name gives a plain string, and
 * a string literal ("rx_bytes", as lib/uknetdev/stats.c writes) gives a
 * name that keeps its quote characters. The double does the same. */
#define UK_STORE_ENTRY(_id, _name, _type, _get, _set)			\
	(&(struct uk_store_entry) {					\
		.id = _id, .name = (char *)STRINGIFY(_name),		\
		.type = UK_STORE_ENTRY_TYPE(_type),			\
		.get._type = _get, .set._type = _set,			\
	})

#define PTRISERR(p) ((uintptr_t)(p) >= (uintptr_t)-4095)
#define ERR2PTR(e) ((void *)(intptr_t)-(e))

struct uk_store_object *
uk_store_obj_alloc(struct uk_alloc *a, __u64 id, const char *name,
		   const struct uk_store_entry *entries[], void *cookie);
int _uk_store_obj_add(__u16 library_id, struct uk_store_object *object);
struct uk_store_object *uk_store_obj_acquire(__u16 library_id, __u64 object_id);
void uk_store_obj_release(struct uk_store_object *object);
const struct uk_store_entry *uk_store_static_entry_get(__u16 library_id,
						       __u64 entry_id);
const struct uk_store_entry *
uk_store_obj_entry_get(struct uk_store_object *object, __u64 entry_id);

#define uk_store_get_value(entry, outtype, out) \
	_uk_store_get_ ## outtype((entry), (out))
int _uk_store_get_u8(const struct uk_store_entry *e, __u8 *out);
int _uk_store_get_s8(const struct uk_store_entry *e, __s8 *out);
int _uk_store_get_u16(const struct uk_store_entry *e, __u16 *out);
int _uk_store_get_s16(const struct uk_store_entry *e, __s16 *out);
int _uk_store_get_u32(const struct uk_store_entry *e, __u32 *out);
int _uk_store_get_s32(const struct uk_store_entry *e, __s32 *out);
int _uk_store_get_u64(const struct uk_store_entry *e, __u64 *out);
int _uk_store_get_s64(const struct uk_store_entry *e, __s64 *out);
int _uk_store_get_uptr(const struct uk_store_entry *e, __uptr *out);
int _uk_store_get_charp(const struct uk_store_entry *e, char **out);

#define uk_store_set_value(entry, intype, in) \
	_uk_store_set_ ## intype((entry), (in))
int _uk_store_set_u8(const struct uk_store_entry *e, __u8 val);
int _uk_store_set_s8(const struct uk_store_entry *e, __s8 val);
int _uk_store_set_u16(const struct uk_store_entry *e, __u16 val);
int _uk_store_set_s16(const struct uk_store_entry *e, __s16 val);
int _uk_store_set_u32(const struct uk_store_entry *e, __u32 val);
int _uk_store_set_s32(const struct uk_store_entry *e, __s32 val);
int _uk_store_set_u64(const struct uk_store_entry *e, __u64 val);
int _uk_store_set_s64(const struct uk_store_entry *e, __s64 val);
int _uk_store_set_uptr(const struct uk_store_entry *e, __uptr val);
int _uk_store_set_charp(const struct uk_store_entry *e, const char *val);

/* Double-only, for tests: live objects (added, not yet freed); references
 * held on them (sum of their refcounts: producers' and consumers'); one
 * object's refcount (-1 when it is not live); and the use-after-free check
 * the agent runs before touching an object (UA_OBJ_CHECK): aborts unless
 * `o` is a live object. */
long dbl_store_live_objects(void);
long dbl_store_refs(void);
long dbl_store_refcount(const struct uk_store_object *o);
void dbl_store_assert_live(const struct uk_store_object *o);
/* Hides every library not named in the comma-separated list `names` (NULL:
 * none hidden), as an image built without their producers has none: a hidden
 * library has no name (uk_libname() is NULL), so the agent never lists it.
 * The host build's --libraries, to stand in for an older image (0.17:
 * libukalloc,libuknetdev). */
void dbl_store_only(const char *names);

#endif /* __UK_STORE_H__ */
