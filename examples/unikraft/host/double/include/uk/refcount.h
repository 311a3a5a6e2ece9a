/* Test double of Unikraft's <uk/refcount.h> (include/uk/refcount.h): the
 * calls ukstore and the agent use, with upstream's semantics:
 *  - uk_refcount_acquire() increments;
 *  - uk_refcount_release_if_not_last() decrements and returns 1 unless the
 *    count is 1, in which case it leaves it and returns 0 (ukstore then
 *    unlinks and frees the object);
 *  - uk_refcount_read() loads the count. */
#ifndef __UK_REFCOUNT_H__
#define __UK_REFCOUNT_H__
#include <uk/arch/types.h>

static inline void uk_refcount_init(__atomic *ref, __u32 value)
{
	__atomic_store_n(&ref->counter, value, __ATOMIC_SEQ_CST);
}

static inline void uk_refcount_acquire(__atomic *ref)
{
	__atomic_fetch_add(&ref->counter, 1, __ATOMIC_SEQ_CST);
}

static inline int uk_refcount_release_if_not_last(__atomic *ref)
{
	__u32 old = __atomic_load_n(&ref->counter, __ATOMIC_SEQ_CST);

	for (;;) {
		if (old == 1)
			return 0;
		if (__atomic_compare_exchange_n(&ref->counter, &old, old - 1, 0,
						__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			return 1;
	}
}

static inline __u32 uk_refcount_read(const __atomic *ref)
{
	return __atomic_load_n(&ref->counter, __ATOMIC_SEQ_CST);
}
#endif
