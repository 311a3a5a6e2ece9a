/* STUB (not upstream): the __atomic counter type of struct uk_store_object,
 * and ukarch_load_n() as upstream's include/uk/arch/atomic.h defines it
 * (uk_refcount_read() uses it). */
#ifndef __UKARCH_ATOMIC_H__
#define __UKARCH_ATOMIC_H__
typedef struct { volatile int counter; } __atomic;

#define ukarch_load_n(src) \
	__atomic_load_n(src, __ATOMIC_SEQ_CST)
#endif
