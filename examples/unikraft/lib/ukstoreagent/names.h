/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Names as the host sees them (§4.3: 1 … 255 bytes, no '/', not "." or
 * ".."), and entry names as their producers wrote them in the source.
 *
 * Upstream's UK_STORE_ENTRY(id, name, …) stringifies `name`, and producers
 * pass a string literal (lib/uknetdev/stats.c: "rx_bytes"), so the entry's
 * name in the image carries the two quote characters: `"rx_bytes"`. The
 * agent serves a name in one surrounding pair of double quotes without
 * them when what they enclose is a valid name; any other name as it is,
 * when valid (`""` and `"a` stay as they are); a name valid neither way is
 * left out (and counted, see ua_catalog_stats()).
 */
#ifndef UKSTOREAGENT_NAMES_H
#define UKSTOREAGENT_NAMES_H

#include <stddef.h>
#include <stdint.h>

struct uk_store_entry;

/* The rules of §4.3 for s[0 … len-1]. */
int ua_name_ok(const char *s, size_t len);

/* Equal names. */
int ua_name_eq(const char *a, size_t alen, const char *b, size_t blen);

/* The name the host sees for entry e: 1 and *s, *len, or 0 when the entry
 * has no name that can be served. */
int ua_entry_name(const struct uk_store_entry *e, const char **s,
		  size_t *len);

/* strlen that stops looking after max + 1 bytes. */
size_t ua_bounded_strlen(const char *s, size_t max);

struct uk_store_object;

/* Entries of object `o` its directory leaves out: named invalidly, or
 * repeating an earlier entry's name (§4.3). */
uint16_t ua_entries_skipped(struct uk_store_object *o);

#endif /* UKSTOREAGENT_NAMES_H */
