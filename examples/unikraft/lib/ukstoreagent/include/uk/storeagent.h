/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libukstoreagent: serves the image's ukstore to a ukfs host over the
 * bridge protocol. There is nothing to call to start it: a late initcall
 * starts the agent's own thread, and main() runs on. What an application
 * can do is read the agent's counters, here or, like any host, as the
 * static ukstore entries of libukstoreagent (ids below, all u64,
 * read-only): `cat /mnt/uk/libukstoreagent/names_skipped`.
 */
#ifndef __UK_STOREAGENT_H__
#define __UK_STOREAGENT_H__

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ukstore entry ids of libukstoreagent's counters */
#define UK_STOREAGENT_STATS_FRAMES         0x01
#define UK_STOREAGENT_STATS_DISCARDED      0x02
#define UK_STOREAGENT_STATS_TIMEOUTS       0x03
#define UK_STOREAGENT_STATS_MALFORMED      0x04
#define UK_STOREAGENT_STATS_OBJECTS        0x05
#define UK_STOREAGENT_STATS_TABLE_FULL     0x06
#define UK_STOREAGENT_STATS_EVENTS_DROPPED 0x07
#define UK_STOREAGENT_STATS_NAMES_SKIPPED  0x08
#define UK_STOREAGENT_STATS_ORPHANS        0x09
#define UK_STOREAGENT_STATS_RHYTHM_MET     0x0a
#define UK_STOREAGENT_STATS_RHYTHM_EARLY   0x0b
#define UK_STOREAGENT_STATS_RHYTHM_MISSED  0x0c

/**
 * The agent's counters. Counts of things that happened only rise;
 * `objects` and `names_skipped` say how things are now.
 */
struct uk_storeagent_stats {
	/** Frames received whole and valid, since boot. */
	uint64_t frames;
	/** Bytes dropped while looking for the start of a frame (line noise,
	 *  a host that connected mid-frame, a damaged frame). */
	uint64_t discarded;
	/** Partial frames dropped because their next byte came too late
	 *  (CONFIG_LIBUKSTOREAGENT_TIMEOUT_MS). */
	uint64_t timeouts;
	/** Requests answered EPROTO: a body that does not parse. */
	uint64_t malformed;
	/** Dynamic objects listed now. */
	uint64_t objects;
	/** Objects never listed: the table was full
	 *  (CONFIG_LIBUKSTOREAGENT_MAX_OBJECTS). */
	uint64_t table_full;
	/** Events not sent because the queue was full
	 *  (CONFIG_LIBUKSTOREAGENT_EVENT_QUEUE); the host still learns of the
	 *  change through the generation. */
	uint64_t events_dropped;
	/** Entries and objects left out of the tree now because of their
	 *  name: one the host cannot show (empty, over 255 bytes, with '/',
	 *  "." or "..", also after removing one pair of surrounding double
	 *  quotes), or one that repeats a name listed before it in the same
	 *  directory. */
	uint64_t names_skipped;
	/** Objects unlisted because their owner released them while the
	 *  agent held the only other reference. */
	uint64_t orphans;
	/** Requests of a rhythm (a loop of requests, see pace.h) that found
	 *  the agent polling for them, as anticipated. */
	uint64_t rhythm_met;
	/** Requests of a rhythm that came while the agent had halted the
	 *  vCPU until shortly before they were due: the interrupt took them. */
	uint64_t rhythm_early;
	/** Anticipating polls that saw no request: the interrupt took it
	 *  later (or none came: the loop had stopped). */
	uint64_t rhythm_missed;
};

/**
 * Reads the agent's counters.
 *
 * Safe from any thread. The protocol counters are written by the agent's
 * thread without a lock and read as they are (each is one aligned 64-bit
 * word); the others are taken under the agent's lock.
 *
 * @param st filled with the counters; all zero before the agent's thread
 *           has started
 */
void uk_storeagent_stats(struct uk_storeagent_stats *st);

#ifdef __cplusplus
}
#endif

#endif /* __UK_STOREAGENT_H__ */
