/* SPDX-License-Identifier: BSD-3-Clause */
/* Names the host can show; see names.h. */
#include "names.h"

#include <string.h>

#include <uk/store.h>

#include "config.h"
#include "store_view.h"

int ua_name_ok(const char *s, size_t len)
{
	if (len < 1 || len > 255 || memchr(s, '/', len) || memchr(s, 0, len))
		return 0;
	return !(len == 1 && s[0] == '.') &&
	       !(len == 2 && s[0] == '.' && s[1] == '.');
}

int ua_name_eq(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && !memcmp(a, b, alen);
}

int ua_entry_name(const struct uk_store_entry *e, const char **s,
		  size_t *len)
{
	const char *n = e->name;
	/* a quoted name may be two bytes longer than what it serves */
	size_t l = n ? ua_bounded_strlen(n, 257) : 0;

	if (!n)
		return 0;
	if (l >= 3 && l <= 257 && n[0] == '"' && n[l - 1] == '"' &&
	    ua_name_ok(n + 1, l - 2)) {
		*s = n + 1;
		*len = l - 2;
		return 1;
	}
	if (!ua_name_ok(n, l))
		return 0;
	*s = n;
	*len = l;
	return 1;
}

size_t ua_bounded_strlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n <= max && s[n])
		n++;
	return n;
}

uint16_t ua_entries_skipped(struct uk_store_object *o)
{
	const struct uk_store_entry *e = NULL, *f;
	const char *s, *t;
	size_t i = 0, len, tl;
	uint16_t c = 0;

	/* the count does not depend on the order: candidates less distinct
	 * names, plus entries named invalidly. List order needs no scratch. */
	while (i++ < UA_MAX_OBJ_ENTRIES && (e = ua_obj_entry_next(o, e))) {
		if (!ua_entry_typed(e))
			continue;
		if (!ua_entry_name(e, &s, &len)) {
			c++;
			continue;
		}
		for (f = ua_obj_entry_next(o, NULL); f != e;
		     f = ua_obj_entry_next(o, f))
			if (ua_entry_typed(f) && ua_entry_name(f, &t, &tl) && ua_name_eq(s, len, t, tl)) {
				c++;
				break;
			}
	}
	return c;
}
