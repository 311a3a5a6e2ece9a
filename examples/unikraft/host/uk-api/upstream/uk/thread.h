/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EXCERPT of unikraft/unikraft lib/uksched/include/uk/thread.h (stored
 * version listed at 606f5f5011acc7541d0573ddb4625230c59459a8). BSD-3-Clause,
 * Copyright NEC Europe Ltd. / Unikraft GmbH. The function-pointer typedefs
 * are verbatim. PARTLY STUB: struct uk_thread is cut down to the `sched`
 * member sched.h reads, and uk_thread_current() (upstream: an inline
 * reading the per-CPU current thread) is declared as a plain function.
 */
#ifndef __UK_THREAD_H__
#define __UK_THREAD_H__

#include <uk/essentials.h>

struct uk_sched;
struct uk_thread;

typedef void (*uk_thread_dtor_t)(struct uk_thread *);
typedef void (*uk_thread_gc_t)(struct uk_thread *, void *);

typedef void (*uk_thread_fn0_t)(void) __noreturn;
typedef void (*uk_thread_fn1_t)(void *) __noreturn;
typedef void (*uk_thread_fn2_t)(void *, void *) __noreturn;

struct uk_thread {
	/* [... context, TLS, flags, list links left out ...] */
	struct uk_sched *sched;
};

struct uk_thread *uk_thread_current(void); /* STUB declaration */

#endif /* __UK_THREAD_H__ */
