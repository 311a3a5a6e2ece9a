/* SPDX-License-Identifier: BSD-3-Clause */
/* The structure generation (§5) and the queue of events (§3.7) waiting for
 * the agent thread to send them. */
#include "events.h"

#include <string.h>

#include "catalog.h"
#include "objects.h"
#include "port.h"

static uint64_t generation = 1;
static int watching;
static struct ua_event evq[UA_EVENT_QUEUE];
static unsigned evq_head, evq_count;
static uint32_t dropped;

void ua_events_changed(uint8_t kind, uint16_t lib, uint64_t obj,
		       const char *name, size_t len)
{
	struct ua_event *ev;

	generation++;
	if (!watching)
		return;
	if (evq_count == UA_EVENT_QUEUE) {
		dropped++; /* the generation still tells the host */
		return;
	}
	ev = &evq[(evq_head + evq_count) % UA_EVENT_QUEUE];
	ev->kind = kind;
	ev->lib = lib;
	ev->obj = obj;
	ev->generation = generation;
	ev->name_len = (uint8_t)len;
	memcpy(ev->name, name, len);
	evq_count++;
}

uint32_t ua_events_dropped(void)
{
	return dropped;
}

void ua_catalog_start(void)
{
	ua_port_lock();
	generation = 1;
	ua_port_unlock();
}

uint64_t ua_catalog_generation(void)
{
	uint64_t g;

	ua_objs_reap(); /* what the host learns is current */
	ua_port_lock();
	g = generation;
	ua_port_unlock();
	return g;
}

void ua_catalog_watch(int on)
{
	ua_port_lock();
	watching = on;
	evq_head = 0;
	evq_count = 0; /* only changes after the WATCH are sent (§3.7) */
	ua_port_unlock();
}

int ua_catalog_pop_event(struct ua_event *ev)
{
	int got = 0;

	ua_port_lock();
	if (evq_count) {
		*ev = evq[evq_head];
		evq_head = (evq_head + 1) % UA_EVENT_QUEUE;
		evq_count--;
		got = 1;
	}
	ua_port_unlock();
	return got;
}
