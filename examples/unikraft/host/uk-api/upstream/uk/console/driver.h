/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EXCERPT of unikraft/unikraft lib/ukconsole/include/uk/console/driver.h at
 * commit 9e109077f68c809bac3a09b3b1ed88a7fb94a7b8. BSD-3-Clause, Copyright
 * (c) 2024, Unikraft GmbH and The Unikraft Authors. Verbatim except the
 * inline uk_console_init() and uk_console_register(), left out.
 */
#ifndef __UK_CONSOLE_DRIVER_H__
#define __UK_CONSOLE_DRIVER_H__

#include <uk/arch/types.h>
#include <uk/list.h>
#include <uk/assert.h>
#include <uk/bitops.h>

struct uk_console;

typedef __ssz (*uk_console_out_func)(struct uk_console *dev, const char *buf,
				     __sz len);
typedef __ssz (*uk_console_in_func)(struct uk_console *dev, char *buf,
				    __sz len);

struct uk_console_ops {
	uk_console_out_func out;
	uk_console_in_func in;
};

#define UK_CONSOLE_FLAG_STDOUT		UK_BIT(0)
#define UK_CONSOLE_FLAG_STDIN		UK_BIT(1)

struct uk_console {
	__u16 id;
	const struct uk_console_ops *ops;
	const char *name; /* Optional */
	int flags;
	struct uk_list_head _list;
};

#endif /* __UK_CONSOLE_DRIVER_H__ */
