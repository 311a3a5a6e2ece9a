/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EXCERPT of unikraft/unikraft include/uk/plat/time.h at commit
 * 027771c7089a03797780dac83f0390ecc4a74495. BSD-3-Clause, Copyright (c) 2017,
 * NEC Europe Ltd., NEC Corporation. Verbatim minus the tick macros.
 */
#ifndef __UKPLAT_TIME_H__
#define __UKPLAT_TIME_H__

#include <uk/arch/time.h>
#include <stdint.h>

void ukplat_time_init(void);
void ukplat_time_fini(void);
uint32_t ukplat_time_get_irq(void);

__nsec ukplat_monotonic_clock(void);
__nsec ukplat_wall_clock(void);

#endif /* __UKPLAT_TIME_H__ */
