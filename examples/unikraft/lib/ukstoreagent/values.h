/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GET and SET of one entry (§3.3, §3.4): typed values as they travel.
 */
#ifndef UKSTOREAGENT_VALUES_H
#define UKSTOREAGENT_VALUES_H

#include <stddef.h>
#include <stdint.h>

/* A typed value as it travels. For charp, `str`/`len` point at a string the
 * getter allocated (freed by ua_value_release) or at request bytes. */
struct ua_value {
	uint8_t type;
	int64_t s;
	uint64_t u;
	const char *str;
	size_t len;
	char *owned;
};

void ua_value_release(struct ua_value *v);

/* Reads entry (lib, slot, entry) of §3.3. Returns 0 or a wire errno. */
int ua_catalog_get(uint64_t lib, uint64_t slot, uint64_t entry,
		   struct ua_value *out);

/* Calls the entry's setter. `v->str` must be NUL-terminated for charp.
 * Returns 0 or a wire errno (ENOENT, EACCES, EINVAL, the setter's own). */
int ua_catalog_set(uint64_t lib, uint64_t slot, uint64_t entry,
		   const struct ua_value *v);

#endif /* UKSTOREAGENT_VALUES_H */
