/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What ukstore holds, read without asking it: the libraries, each library's
 * static entry section and the entry list of an object. ukstore has no
 * enumeration API, so these walk its public structures and the section
 * bounds libukstore generates (<uk/bits/store_array.h>).
 */
#ifndef UKSTOREAGENT_STORE_VIEW_H
#define UKSTOREAGENT_STORE_VIEW_H

#include <stddef.h>
#include <stdint.h>

struct uk_store_entry;
struct uk_store_object;

/* Library ids the agent serves: 0 … ua_nlibs()-1. */
uint16_t ua_nlibs(void);

/* The library's name if the host can show it (§4.3): 1, else 0. */
int ua_lib_name(uint16_t lib, const char **name, size_t *len);

/* The library's static entries: *n entries from *first (*n may be 0). */
void ua_lib_statics(uint16_t lib, const struct uk_store_entry **first,
		    size_t *n);

/* The object's entry after prev (its first for NULL), in ukstore's list
 * order; NULL after the last. The caller holds a reference on the object. */
const struct uk_store_entry *ua_obj_entry_next(struct uk_store_object *o,
					       const struct uk_store_entry *prev);

/* Fills out[0 … max-1] with the object's first entries (ua_obj_entry_next
 * order) and returns how many. */
size_t ua_obj_entries(struct uk_store_object *o,
		      const struct uk_store_entry **out, size_t max);

/* An entry of a type the protocol has a code for (§4.1). Whether its name
 * can be served is names.h's. */
int ua_entry_typed(const struct uk_store_entry *e);

/* tinfo of §3.2: type | readable << 4 | writable << 5. */
uint8_t ua_entry_tinfo(const struct uk_store_entry *e);

#endif /* UKSTOREAGENT_STORE_VIEW_H */
