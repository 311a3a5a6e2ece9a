/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The agent's counters (<uk/storeagent.h>), for the application and, as
 * static ukstore entries of this library, for any host: a ukfs mount shows
 * them as libukstoreagent/<name>, read with the rest of the store.
 */
#include <string.h>

#include <uk/store.h>
#include <uk/storeagent.h>

#include "agent.h"
#include "catalog.h"
#include "pace.h"

void uk_storeagent_stats(struct uk_storeagent_stats *st)
{
	struct ua_agent_stats as;
	struct ua_catalog_stats cs;

	ua_agent_stats(&as);
	ua_catalog_stats(&cs);
	memset(st, 0, sizeof(*st));
	st->frames = as.frames;
	st->discarded = as.discarded;
	st->timeouts = as.timeouts;
	st->malformed = as.malformed;
	st->objects = cs.objects;
	st->table_full = cs.table_full;
	st->events_dropped = cs.events_dropped;
	st->names_skipped = cs.names_skipped;
	st->orphans = cs.orphans;
	ua_pace_counters(&st->rhythm_met, &st->rhythm_early,
			 &st->rhythm_missed);
}

/* One getter per entry: ukstore's getters take no argument saying which
 * entry is read. */
#define STATS_ENTRY(ID, field)						\
	static int get_##field(void *cookie, __u64 *out)		\
	{								\
		struct uk_storeagent_stats st;				\
									\
		(void)cookie;						\
		uk_storeagent_stats(&st);				\
		*out = st.field;					\
		return 0;						\
	}								\
	UK_STORE_STATIC_ENTRY(ID, field, u64, get_##field, NULL)

STATS_ENTRY(UK_STOREAGENT_STATS_FRAMES, frames);
STATS_ENTRY(UK_STOREAGENT_STATS_DISCARDED, discarded);
STATS_ENTRY(UK_STOREAGENT_STATS_TIMEOUTS, timeouts);
STATS_ENTRY(UK_STOREAGENT_STATS_MALFORMED, malformed);
STATS_ENTRY(UK_STOREAGENT_STATS_OBJECTS, objects);
STATS_ENTRY(UK_STOREAGENT_STATS_TABLE_FULL, table_full);
STATS_ENTRY(UK_STOREAGENT_STATS_EVENTS_DROPPED, events_dropped);
STATS_ENTRY(UK_STOREAGENT_STATS_NAMES_SKIPPED, names_skipped);
STATS_ENTRY(UK_STOREAGENT_STATS_ORPHANS, orphans);
STATS_ENTRY(UK_STOREAGENT_STATS_RHYTHM_MET, rhythm_met);
STATS_ENTRY(UK_STOREAGENT_STATS_RHYTHM_EARLY, rhythm_early);
STATS_ENTRY(UK_STOREAGENT_STATS_RHYTHM_MISSED, rhythm_missed);
