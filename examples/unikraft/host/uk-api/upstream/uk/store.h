/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EXCERPT of unikraft/unikraft lib/ukstore/include/uk/store.h
 * at commit c3c660851fb6f91ddc65e396ab6dec17b1fe6f32 (object API: uk_store_obj_*,
 * uk_libid). BSD-3-Clause, Copyright (c) 2021, University Politehnica of
 * Bucharest (author Craciunoiu Cezar); full license text in the upstream file.
 * Declarations copied verbatim, CONFIG_LIBUKSTORE branch only; doc comments
 * and the dynamic-object creation API (unused by the agent) left out.
 * Semantics the agent relies on (lib/ukstore/store.c at d6d672f1, not in
 * this header): uk_store_obj_acquire() increments the refcount
 * (uk_refcount_acquire); uk_store_obj_release() decrements it unless it is
 * the last reference (uk_refcount_release_if_not_last), and on the last one
 * unlinks and frees the object; acquire of an id not in the list does not
 * return NULL.
 */
#ifndef __UK_STORE_H__
#define __UK_STORE_H__

#if CONFIG_LIBUKSTORE

#include <string.h>
#include <uk/alloc.h>
#include <uk/config.h>
#include <uk/assert.h>
#include <uk/arch/atomic.h>
#include <uk/libid.h>

#endif /* CONFIG_LIBUKSTORE */

#include <uk/arch/limits.h>
#include <uk/arch/types.h>
#include <uk/essentials.h>
#include <uk/list.h>

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

#define UK_STORE_ENTRY_TYPE(simple_type)	\
	(_LIB_UK_STORE_ENTRY_TYPE___ ## simple_type)

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

#define UK_STORE_ENTRY_FLAG_STATIC	(1 << 0)

#if CONFIG_LIBUKSTORE

#include <uk/bits/store_libs.h>

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

#define __UK_STORE_STATIC_ENTRY(eid, entry, lib_str, e_type, e_get, e_set)\
	static const struct uk_store_entry				\
	__used __section(".uk_store_lib_" lib_str) __align8		\
	__uk_store_entries_list ## _ ## entry = {			\
		.id		= eid,					\
		.name           = STRINGIFY(entry),			\
		.type           = (UK_STORE_ENTRY_TYPE(e_type)),	\
		.get.e_type     = (e_get),				\
		.set.e_type     = (e_set),				\
		.flags          = UK_STORE_ENTRY_FLAG_STATIC		\
	}

#define _UK_STORE_STATIC_ENTRY(id, entry, lib_str, e_type, e_get, e_set)\
	__UK_STORE_STATIC_ENTRY(id, entry, lib_str, e_type, e_get, e_set)

#define UK_STORE_STATIC_ENTRY(id, entry, e_type, e_get, e_set)		\
	_UK_STORE_STATIC_ENTRY(id, entry, STRINGIFY(__LIBNAME__),	\
			       e_type, e_get, e_set)

struct uk_store_object *
uk_store_obj_acquire(__u16 library_id, __u64 object_id);

void uk_store_obj_release(struct uk_store_object *object);

const struct uk_store_entry *
uk_store_static_entry_get(__u16 library_id, __u64 entry_id);

const struct uk_store_entry *
uk_store_obj_entry_get(struct uk_store_object *object_id, __u64 entry_id);

#define uk_store_get_value(entry, outtype, out)	\
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
int _uk_store_get_ncharp(const struct uk_store_entry *e, char *out, __sz maxlen);

#define uk_store_set_value(entry, intype, in)	\
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

#endif /* CONFIG_LIBUKSTORE */

#endif /* __UK_STORE_H__ */
