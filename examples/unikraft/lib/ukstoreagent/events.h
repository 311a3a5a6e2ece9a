/* SPDX-License-Identifier: BSD-3-Clause */
/* The structure generation (§5) and the event queue (§3.7), fed by the
 * object table. */
#ifndef UKSTOREAGENT_EVENTS_H
#define UKSTOREAGENT_EVENTS_H

#include <stddef.h>
#include <stdint.h>

/* Caller holds the lock: object `obj` of `lib`, named name[0 … len-1],
 * was listed (UA_EV_CREATED) or unlisted (UA_EV_RELEASED). The generation
 * rises; the event is queued while the host watches. */
void ua_events_changed(uint8_t kind, uint16_t lib, uint64_t obj,
		       const char *name, size_t len);

/* Caller holds the lock: events lost because the queue was full. */
uint32_t ua_events_dropped(void);

#endif /* UKSTOREAGENT_EVENTS_H */
