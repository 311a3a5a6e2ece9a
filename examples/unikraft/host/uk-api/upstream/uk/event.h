/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EXCERPT of unikraft/unikraft include/uk/event.h (the index lists commit
 * 3ef521c6b99e8685040be1d6bee59ca82c3165c8 for this path). BSD-3-Clause,
 * Copyright (c) 2021, Karlsruhe Institute of Technology (author Marc
 * Rittinghaus). Handler-side declarations copied verbatim; raising side
 * (section labels, uk_raise_event) left out.
 */
#ifndef __UK_EVENT_H__
#define __UK_EVENT_H__

#include <uk/essentials.h>
#include <uk/prio.h>
#include <uk/config.h>

typedef int (*uk_event_handler_t)(void *data);

#define UK_EVENT_NOT_HANDLED	0  /* Event not handled. Try next handler. */
#define UK_EVENT_HANDLED	1  /* Event handled. Stop calling handlers. */
#define UK_EVENT_HANDLED_CONT	2  /* Event handled. Call next handler. */

struct uk_event {
	const uk_event_handler_t *hlist_end;
};

#define _UK_EVENT_HANDLER_PRIO(event, fn, prio)				\
	static const uk_event_handler_t					\
	__used __section(".uk_event_" #event "~" #prio)			\
	_uk_event_ ## event ## _ ## prio ## _ ## fn = (fn)

#define UK_EVENT_HANDLER_PRIO(event, fn, prio)				\
	_UK_EVENT_HANDLER_PRIO(event, fn, prio)

#define UK_EVENT_HANDLER(event, fn)					\
	UK_EVENT_HANDLER_PRIO(event, fn, UK_PRIO_LATEST)

#endif /* __UK_EVENT_H__ */
