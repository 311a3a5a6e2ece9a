/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EXCERPT of unikraft/unikraft include/uk/init.h, the version with
 * struct uk_init_ctx and (init_fn, term_fn) initcalls (0.17+; older trees
 * have `int (*)(void)` and one-argument macros). BSD-3-Clause, Copyright (c)
 * 2019 NEC Europe Ltd., (c) 2022 Unikraft GmbH. Verbatim minus comments and
 * the inittab iterators.
 */
#ifndef _UK_INIT_H
#define _UK_INIT_H

#include <uk/config.h>
#include <uk/plat/bootstrap.h>
#include <uk/essentials.h>
#include <uk/prio.h>

struct uk_init_ctx {
	struct {
		int    argc;
		char **argv;
	} cmdline;
};

struct uk_term_ctx {
	enum ukplat_gstate target;
};

typedef int (*uk_init_func_t)(struct uk_init_ctx *);
typedef void (*uk_term_func_t)(const struct uk_term_ctx *);

struct uk_inittab_entry {
	uk_init_func_t init;
	uk_term_func_t term;
};

#define __UK_INITTAB_ENTRY(init_fn, term_fn, base, prio)		\
	static const struct uk_inittab_entry				\
	__used __section(".uk_inittab" #base #prio) __align(8)		\
		__uk_inittab ## base ## prio ## _ ## init_fn ## _ ## term_fn = {\
		.init = (init_fn),					\
		.term = (term_fn)					\
	}

#define _UK_INITTAB(init_fn, term_fn, base, prio)		\
	__UK_INITTAB_ENTRY(init_fn, term_fn, base, prio)

#define uk_initcall_class_prio(init_fn, term_fn, class, prio)	\
	_UK_INITTAB(init_fn, term_fn, class, prio)

#define UK_INIT_CLASS_LIB 3
#define uk_lib_initcall_prio(init_fn, term_fn, prio)		\
	uk_initcall_class_prio(init_fn, term_fn, UK_INIT_CLASS_LIB, prio)
#define UK_INIT_CLASS_LATE 6
#define uk_late_initcall_prio(init_fn, term_fn, prio)		\
	uk_initcall_class_prio(init_fn, term_fn, UK_INIT_CLASS_LATE, prio)

#define uk_lib_initcall(init_fn, term_fn)			\
	uk_lib_initcall_prio(init_fn, term_fn, UK_PRIO_LATEST)
#define uk_late_initcall(init_fn, term_fn)			\
	uk_late_initcall_prio(init_fn, term_fn, UK_PRIO_LATEST)

#endif /* _UK_INIT_H */
