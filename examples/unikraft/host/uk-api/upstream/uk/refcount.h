/* SPDX-License-Identifier: BSD-2-Clause-FreeBSD */
/*
 * EXCERPT of unikraft/unikraft include/uk/refcount.h at commit
 * 139e11d9e3cd38769ab3aff31bf7ff242dd27f63. BSD-2-Clause-FreeBSD,
 * Copyright (c) 2005 John Baldwin <jhb@FreeBSD.org> (taken from FreeBSD
 * and modified); full license text in the upstream file.
 * Declarations copied verbatim: the includes, __refcnt_assert and
 * uk_refcount_read() (the agent's only use). Not excerpted: init, acquire,
 * release, release_if_not_last (used by lib/ukstore/store.c: acquire
 * increments; release_if_not_last decrements unless the count is 1, and
 * uk_store_obj_release() then unlinks and frees the object).
 */
#ifndef __UK_REFCOUNT_H__
#define __UK_REFCOUNT_H__

#include <uk/arch/types.h>
#include <uk/arch/limits.h>
#include <uk/arch/atomic.h>
#include <uk/lcpu.h>
#include <uk/config.h>

#ifdef CONFIG_LIBUKDEBUG
#include <uk/assert.h>
#endif /* CONFIG_LIBUKDEBUG */

#ifdef __cplusplus
extern "C" {
#endif /* __cplusplus */

#ifdef CONFIG_LIBUKDEBUG
#define __refcnt_assert(x) UK_ASSERT(x)
#else
#define __refcnt_assert(x) \
	do {               \
	} while (0)
#endif /* CONFIG_LIBUKDEBUG */

/**
 * refcount_read - get a refcount's value
 * @param ref the refcount
 *
 * Return: the refcount's value
 */
static inline __u32 uk_refcount_read(const __atomic *ref)
{
	__refcnt_assert(ref != __NULL);

	return ukarch_load_n(&ref->counter);
}

#undef __refcnt_assert
#ifdef __cplusplus
}
#endif /* __cplusplus */

#endif /* __UK_REFCOUNT_H__*/
