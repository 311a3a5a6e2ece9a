/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EXCERPT of unikraft/unikraft lib/ukconsole/include/uk/console.h, the
 * version that declares uk_console_count() and uk_console_{in,out}_direct()
 * (matches lib/ukconsole/console.c at b0405781a8f6a11690f2b8c3f3f6a9d9cd8bd868).
 * BSD-3-Clause, Copyright (c) 2024, Unikraft GmbH and The Unikraft Authors.
 * Declarations verbatim, doc comments shortened.
 */
#ifndef __UK_CONSOLE_H__
#define __UK_CONSOLE_H__

#include <uk/arch/types.h>
#include <uk/assert.h>

struct uk_console;

/* __NULL if no device with ID; valid IDs 0 ... uk_console_count() - 1 */
struct uk_console *uk_console_get(__u16 id);

__u16 uk_console_count(void);

__ssz uk_console_out(const char *buf, __sz len);

__ssz uk_console_in(char *buf, __sz len);

/* >= 0: bytes written (may be < len); < 0: error */
__ssz uk_console_out_direct(struct uk_console *dev, const char *buf, __sz len);

/* >= 0: bytes read (may be < len); < 0: error */
__ssz uk_console_in_direct(struct uk_console *dev, char *buf, __sz len);

#endif /* __UK_CONSOLE_H__ */
