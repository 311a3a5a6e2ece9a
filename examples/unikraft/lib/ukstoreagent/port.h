/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The few services the agent needs from its environment: a clock, a lock for
 * the catalog (ukstore events may come from other threads) and a boot id.
 * port_unikraft.c implements them on Unikraft, host/double/port_host.c on a
 * POSIX host.
 */
#ifndef UKSTOREAGENT_PORT_H
#define UKSTOREAGENT_PORT_H

#include <stdint.h>

uint64_t ua_port_now_ms(void);
void ua_port_lock(void);
void ua_port_unlock(void);
/* 8 random-ish bytes for the boot id. */
void ua_port_boot_id(uint8_t out[8]);

#endif /* UKSTOREAGENT_PORT_H */
