/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ordered walks over a directory's children. Children are listed in id
 * order (§3.2, docs/simulated-store.md), but the sources are unordered: a
 * section (upstream emits it in reverse), a list, a table. Rather than sort
 * into scratch, each step picks the smallest (key, index) above the
 * previous one: O(n) a child, no memory.
 *
 * A directory is one or two sequences (a library: its static entries, then
 * its objects). A candidate is a child with a type and a name the host can
 * show; it is shown unless an earlier candidate of the same directory has
 * the same name (the first in listing order wins; §4.3 forbids repeats).
 */
#ifndef UKSTOREAGENT_WALK_H
#define UKSTOREAGENT_WALK_H

#include <stddef.h>
#include <stdint.h>

#include "directory.h"

struct ua_seq {
	size_t n;
	const void *base;
	uint64_t (*key)(const void *base, size_t i);
	/* 1 and the name the host would see for a candidate, else 0 */
	int (*name)(const void *base, size_t i, const char **s, size_t *len);
	void (*child)(const void *base, size_t i, struct ua_child *c);
};

struct ua_dir {
	unsigned nseq;
	struct ua_seq seq[2];
};

/* Child i of sequence k is a candidate whose name no earlier one has. */
int ua_walk_shown(const struct ua_dir *d, unsigned k, size_t i);

/* How many children are shown (at most 65535, the protocol's bound). */
uint32_t ua_walk_count(const struct ua_dir *d);

/* Emits the shown children from rank `start` on, in listing order, until
 * emit says the page is full. */
void ua_walk_emit(const struct ua_dir *d, uint64_t start, ua_emit_fn emit,
		  void *ctx);

#endif /* UKSTOREAGENT_WALK_H */
