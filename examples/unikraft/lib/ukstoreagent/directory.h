/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Directories of the tree (§3.2): the root lists libraries, a library its
 * static entries then its objects, an object its entries, each in id order.
 * ua_catalog_list() (below) lists them; GET and SET find entries in
 * them through ua_dir_find_entry().
 */
#ifndef UKSTOREAGENT_DIRECTORY_H
#define UKSTOREAGENT_DIRECTORY_H

#include <stddef.h>
#include <stdint.h>

enum { UA_KIND_LIBRARY = 1, UA_KIND_OBJECT = 2, UA_KIND_ENTRY = 3 };

struct uk_store_entry;
struct ua_obj;
struct uk_store_object;

/* Agent thread: finds entry `id` of a ref (§3.3; slot 0: a static entry of
 * `lib`, else an entry of object slot - 1). Returns 0 or UA_ENOENT. On
 * success *pinned is the object's table slot, pinned for the call (NULL
 * for a static entry): the caller passes it to ua_obj_unpin() when done. */
struct ua_child {
	uint8_t kind;
	uint64_t id;
	uint8_t tinfo;     /* entries only: type | readable << 4 | writable << 5 */
	const char *name;
	size_t name_len;   /* 1 … 255 */
};

/* Called once per child in directory order, from index `start` on.
 * Returns 1 when it took the child, 0 when the page is full (stop). */
typedef int (*ua_emit_fn)(void *ctx, const struct ua_child *c);

/* Lists directory `scope` (0 root, 1 library `lib`, 2 object `obj` of `lib`).
 * Sets *total; returns 0 or UA_ENOENT. */
int ua_catalog_list(uint8_t scope, uint64_t lib, uint64_t obj, uint64_t start,
		    uint32_t *total, ua_emit_fn emit, void *ctx);

int ua_dir_find_entry(uint64_t lib, uint64_t slot, uint64_t id,
		      const struct uk_store_entry **out, struct ua_obj **pinned);

/* Entries of object o left out of its directory for their name (names.h):
 * named invalidly, or repeating a name listed before them. o is held. */
/* Caller holds the lock: the names left out of the whole tree right now,
 * static entries, objects and (through ua_obj.names_skipped) entries of
 * listed objects. */
uint32_t ua_dir_names_skipped(void);

#endif /* UKSTOREAGENT_DIRECTORY_H */
