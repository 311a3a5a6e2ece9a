/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Directories of the tree (§3.2): the root lists libraries, a library its
 * static entries then its objects, an object its entries, each in id order.
 * ua_catalog_list() (catalog.h) lists them; GET and SET find entries in
 * them through ua_dir_find_entry().
 */
#ifndef UKSTOREAGENT_DIRECTORY_H
#define UKSTOREAGENT_DIRECTORY_H

#include <stdint.h>

struct uk_store_entry;
struct ua_obj;
struct uk_store_object;

/* Agent thread: finds entry `id` of a ref (§3.3; slot 0: a static entry of
 * `lib`, else an entry of object slot - 1). Returns 0 or UA_ENOENT. On
 * success *pinned is the object's table slot, pinned for the call (NULL
 * for a static entry): the caller passes it to ua_obj_unpin() when done. */
int ua_dir_find_entry(uint64_t lib, uint64_t slot, uint64_t id,
		      const struct uk_store_entry **out, struct ua_obj **pinned);

/* Entries of object o left out of its directory for their name (names.h):
 * named invalidly, or repeating a name listed before them. o is held. */
uint16_t ua_dir_entries_skipped(struct uk_store_object *o);

/* Caller holds the lock: the names left out of the whole tree right now,
 * static entries, objects and (through ua_obj.names_skipped) entries of
 * listed objects. */
uint32_t ua_dir_names_skipped(void);

#endif /* UKSTOREAGENT_DIRECTORY_H */
