/* STUB (not upstream): uk/prio.h's bounds. */
#ifndef __UK_PRIO_H__
#define __UK_PRIO_H__
#define UK_PRIO_EARLIEST 0
#define UK_PRIO_LATEST   9
#endif
