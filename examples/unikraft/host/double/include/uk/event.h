/* Test double of <uk/event.h>. Upstream collects handlers in a linker
 * section per event; here a constructor registers them, with the same
 * handler signature and chain semantics (stop at the first HANDLED). */
#ifndef __UK_EVENT_H__
#define __UK_EVENT_H__
#define UK_EVENT_NOT_HANDLED 0
#define UK_EVENT_HANDLED 1
typedef int (*uk_event_handler_t)(void *);
void dbl_event_register(const char *event, uk_event_handler_t fn);
int dbl_raise_event(const char *event, void *data);
#define UK_EVENT_HANDLER(event, fn)					\
	static void __attribute__((constructor))			\
	_uk_event_reg_##event##_##fn(void)				\
	{ dbl_event_register(#event, (fn)); }
#define uk_raise_event(event, data) dbl_raise_event(#event, (data))
#endif
