/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The catalog: everything the agent knows about the store, and the only part
 * of the agent that calls the ukstore API. ukstore has no enumeration API, so:
 * - static entries are walked through the generated per-library section
 *   bounds (<uk/bits/store_array.h>) for library ids 0 … uk_libid_count()-1;
 * - dynamic objects are learnt from UKSTORE_EVENT_CREATE_OBJECT /
 *   UKSTORE_EVENT_RELEASE_OBJECT into a fixed-size table; the agent holds a
 *   ukstore reference on each object in it (taken in the create handler,
 *   the only uk_store_obj_acquire() call) and never asks ukstore for an
 *   object id it has not seen (see catalog.c's KNOWN GAP note).
 * Results are plain protocol values; errors are positive wire errno numbers.
 */
#ifndef UKSTOREAGENT_CATALOG_H
#define UKSTOREAGENT_CATALOG_H

#include <stdint.h>

/* The catalog's parts, each declared beside the file that defines it. */
#include "directory.h"
#include "events.h"
#include "objects.h"
#include "values.h"

/* Counters for diagnostics and tests. */
struct ua_catalog_stats {
	uint32_t objects;        /* listed objects in the table */
	uint32_t references;     /* ukstore references the agent holds */
	uint32_t table_full;     /* creations not recorded: table full */
	uint32_t events_dropped; /* events lost: queue full */
	uint32_t orphans;        /* objects unlisted: only our reference left */
	uint32_t names_skipped;  /* names left out now: invalid, or repeated */
};
void ua_catalog_stats(struct ua_catalog_stats *st);

#endif /* UKSTOREAGENT_CATALOG_H */
