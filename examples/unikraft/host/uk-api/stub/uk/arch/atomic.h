/* STUB (not upstream): the __atomic counter type of struct uk_store_object. */
#ifndef __UKARCH_ATOMIC_H__
#define __UKARCH_ATOMIC_H__
typedef struct { volatile int counter; } __atomic;
#endif
