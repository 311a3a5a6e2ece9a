/* SPDX-License-Identifier: BSD-3-Clause */
/* The structure generation (§5) and the event queue (§3.7), fed by the
 * object table. */
#ifndef UKSTOREAGENT_EVENTS_H
#define UKSTOREAGENT_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

enum { UA_EV_CREATED = 1, UA_EV_RELEASED = 2 };

/* Caller holds the lock: object `obj` of `lib`, named name[0 … len-1],
 * was listed (UA_EV_CREATED) or unlisted (UA_EV_RELEASED). The generation
 * rises; the event is queued while the host watches. */
void ua_events_changed(uint8_t kind, uint16_t lib, uint64_t obj,
		       const char *name, size_t len);

/* Caller holds the lock: events lost because the queue was full. */
uint32_t ua_events_dropped(void);


/* Structure generation (§5). ua_catalog_start() sets it to 1: objects that
 * exist when the agent starts are the boot tree, not changes. */
void ua_catalog_start(void);
uint64_t ua_catalog_generation(void);

/* Events (§3.7): queued only while watching; the queue is fixed-size and a
 * full queue drops events (the generation tells the host). */
struct ua_event {
	uint8_t kind;
	uint16_t lib;
	uint64_t obj;
	uint64_t generation;
	uint8_t name_len;
	char name[UA_NAME_MAX];
};

void ua_catalog_watch(int on);
int ua_catalog_pop_event(struct ua_event *ev); /* 1 when one was taken */

#endif /* UKSTOREAGENT_EVENTS_H */
