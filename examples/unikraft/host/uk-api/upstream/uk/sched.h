/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EXCERPT of unikraft/unikraft lib/uksched/include/uk/sched.h at commit
 * d6d672f1fb0702b8a7379e620909bb98e4bba5e7. BSD-3-Clause, Copyright (c) 2017
 * NEC Europe Ltd., (c) 2022 NEC Laboratories GmbH, (c) 2022 Unikraft GmbH.
 * The functions the agent calls, verbatim; struct uk_sched reduced to the
 * yield callback (its other members are scheduler internals).
 */
#ifndef __UK_SCHED_H__
#define __UK_SCHED_H__

#include <uk/thread.h>
#include <uk/assert.h>
#include <uk/arch/types.h>
#include <uk/essentials.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

struct uk_sched;

static inline struct uk_sched *uk_sched_current(void)
{
	struct uk_thread *th = uk_thread_current();

	if (th)
		return th->sched;
	return NULL;
}

typedef void  (*uk_sched_yield_func_t)
		(struct uk_sched *s);

struct uk_sched {
	uk_sched_yield_func_t yield;
	/* [... scheduler internals left out ...] */
};

static inline void uk_sched_yield(void)
{
	struct uk_sched *s;
	struct uk_thread *current = uk_thread_current();

	UK_ASSERT(current);

	s = current->sched;
	UK_ASSERT(s);
	s->yield(s);
}

struct uk_thread *uk_sched_thread_create_fn1(struct uk_sched *s,
					     uk_thread_fn1_t fn1,
					     void *argp,
					     size_t stack_len,
					     bool no_uktls,
					     bool no_ectx,
					     const char *name,
					     void *priv,
					     uk_thread_dtor_t dtor);

#define uk_sched_thread_create(s, fn1, argp, name)		\
	uk_sched_thread_create_fn1((s), (fn1), (void *) (argp),	\
				   0x0, false, false,		\
				   (name), NULL, NULL)

void uk_sched_thread_sleep(__nsec nsec);

void uk_sched_thread_exit(void) __noreturn;

#endif /* __UK_SCHED_H__ */
