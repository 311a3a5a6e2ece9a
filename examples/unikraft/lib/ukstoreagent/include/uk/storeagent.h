/* SPDX-License-Identifier: BSD-3-Clause */
/* Public interface of libukstoreagent: the agent starts by itself (a late
 * initcall creates its thread); an application may read its counters. */
#ifndef __UK_STOREAGENT_H__
#define __UK_STOREAGENT_H__

#include <stdint.h>

struct ukstoreagent_stats {
	uint64_t frames;         /* good frames handled */
	uint64_t discarded;      /* bytes dropped while resynchronising */
	uint64_t timeouts;       /* stale partial frames dropped */
	uint64_t malformed;      /* requests answered EPROTO */
	uint32_t objects;        /* dynamic objects tracked */
	uint32_t table_full;     /* objects not tracked: table full */
	uint32_t events_dropped; /* events lost: queue full */
};

void ukstoreagent_stats(struct ukstoreagent_stats *st);

#endif /* __UK_STOREAGENT_H__ */
