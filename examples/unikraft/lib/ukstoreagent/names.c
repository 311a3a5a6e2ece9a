/* SPDX-License-Identifier: BSD-3-Clause */
/* Names the host can show; see names.h. */
#include "names.h"

#include <string.h>

#include <uk/store.h>

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
