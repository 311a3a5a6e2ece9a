/* SPDX-License-Identifier: BSD-3-Clause */
/* GET and SET of one entry through ukstore's typed accessors. */
#include "values.h"

#include <stdlib.h>
#include <string.h>

#include <uk/store.h>

#include "catalog.h"
#include "directory.h"
#include "names.h"
#include "objects.h"
#include "store_view.h"
#include "wire.h"

/* A negative errno from a getter/setter as a wire number (§6). */
static int wire_errno(int ret)
{
	return (ret < 0 && ret > -16384) ? -ret : UA_EIO;
}

static int get_value(const struct uk_store_entry *e, void *cookie,
		     struct ua_value *v)
{
	int ret = 0;

	v->type = (uint8_t)e->type;
	switch (e->type) {
#define GET_U(T) case UK_STORE_ENTRY_TYPE(T): { __##T x = 0; \
		ret = uk_store_get_value(e, T, &x); v->u = (uint64_t)x; break; }
#define GET_S(T) case UK_STORE_ENTRY_TYPE(T): { __##T x = 0; \
		ret = uk_store_get_value(e, T, &x); v->s = (int64_t)x; break; }
	GET_S(s8) GET_U(u8) GET_S(s16) GET_U(u16) GET_S(s32) GET_U(u32)
	GET_S(s64) GET_U(u64) GET_U(uptr)
#undef GET_U
#undef GET_S
	case UK_STORE_ENTRY_TYPE(charp): {
		char *str = NULL;

		/* Called directly: at 0.17 _uk_store_get_charp() reads the
		 * object behind a static entry (OBJECT(e)->a) before checking
		 * that it is one. The string is the caller's to free(). */
		ret = e->get.charp(cookie, &str);
		if (ret < 0) {
			free(str);
			break;
		}
		v->owned = str;
		v->str = str ? str : "";
		v->len = ua_bounded_strlen(v->str, UA_MAX_STRING);
		if (v->len > UA_MAX_STRING) {
			ua_value_release(v);
			return UA_EOVERFLOW;
		}
		break;
	}
	default:
		return UA_ENOENT;
	}
	return ret < 0 ? wire_errno(ret) : 0;
}

int ua_catalog_get(uint64_t lib, uint64_t slot, uint64_t entry,
		   struct ua_value *out)
{
	const struct uk_store_entry *e;
	struct ua_obj *o;
	int err;

	memset(out, 0, sizeof(*out));
	err = ua_dir_find_entry(lib, slot, entry, &e, &o);
	if (err)
		return err;
	if (!e->get.u8)
		err = UA_EACCES;
	else
		err = get_value(e, o ? o->ref->cookie : NULL, out);
	ua_obj_unpin(o);
	return err;
}

static int set_value(const struct uk_store_entry *e, const struct ua_value *v)
{
	int ret;

	switch (e->type) {
#define SET_U(T) case UK_STORE_ENTRY_TYPE(T): \
		ret = uk_store_set_value(e, T, (__##T)v->u); break;
#define SET_S(T) case UK_STORE_ENTRY_TYPE(T): \
		ret = uk_store_set_value(e, T, (__##T)v->s); break;
	SET_S(s8) SET_U(u8) SET_S(s16) SET_U(u16) SET_S(s32) SET_U(u32)
	SET_S(s64) SET_U(u64) SET_U(uptr)
#undef SET_U
#undef SET_S
	case UK_STORE_ENTRY_TYPE(charp):
		ret = uk_store_set_value(e, charp, v->str);
		break;
	default:
		return UA_EINVAL;
	}
	return ret < 0 ? wire_errno(ret) : 0;
}

int ua_catalog_set(uint64_t lib, uint64_t slot, uint64_t entry,
		   const struct ua_value *v)
{
	const struct uk_store_entry *e;
	struct ua_obj *o;
	int err;

	err = ua_dir_find_entry(lib, slot, entry, &e, &o);
	if (err)
		return err;
	if (!e->set.u8)
		err = UA_EACCES;
	else if ((uint8_t)e->type != v->type)
		err = UA_EINVAL;
	else
		err = set_value(e, v);
	ua_obj_unpin(o);
	return err;
}

void ua_value_release(struct ua_value *v)
{
	free(v->owned);
	v->owned = NULL;
	v->str = NULL;
	v->len = 0;
}
