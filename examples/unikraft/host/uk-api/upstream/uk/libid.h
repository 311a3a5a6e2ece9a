/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EXCERPT of unikraft/unikraft lib/uklibid/include/uk/libid.h at commit
 * 5761ccbe4ab32a74b572a2cd11c495e0d8120ee8. BSD-3-Clause, Copyright (c) 2023,
 * Unikraft GmbH and The Unikraft Authors. Doc comments shortened.
 */
#ifndef __LIBUKLIBID_H__
#define __LIBUKLIBID_H__

#include <uk/arch/limits.h>
#include <uk/arch/types.h>
#include <uk/bits/libid.h>

#define UKLIBID_NONE __U16_MAX

#define _uk_libid_static(l) \
	__UKLIBID_ ## l

#define uk_libid_static(libname) \
	_uk_libid_static(libname)

#ifndef __LIBNAME__
#define uk_libid_self() \
	UKLIBID_NONE
#else /* __LIBNAME__ */
#define uk_libid_self() \
	uk_libid_static(__LIBNAME__)
#endif /* __LIBNAME__ */

/* Return the number of libraries that are part of this build */
#define uk_libid_count() \
	__UKLIBID_COUNT__

/* Library name for an identifier, __NULL if it could not be resolved */
const char *uk_libname(__u16 libid);

#define uk_libname_self() \
	uk_libname(uk_libid_self())

#endif /* __LIBUKLIBID_H__ */
