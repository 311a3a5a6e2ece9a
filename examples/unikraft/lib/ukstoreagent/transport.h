/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Transports fill a struct ua_io (agent.h) with read/write callbacks. In a
 * Unikraft image the only one is the UART below; the host build serves a
 * Unix socket (host/transport_fd.c).
 */
#ifndef UKSTOREAGENT_TRANSPORT_H
#define UKSTOREAGENT_TRANSPORT_H

#include <uk/config.h>
#if CONFIG_LIBUKSTOREAGENT_IRQ
#include <uk/wait_types.h>
#endif

#include "agent.h"
#include "pace.h"

/* A 16550 UART at an x86 I/O port base (COM2 0x2f8, COM3 0x3e8, COM4 0x2e8)
 * and its ISA interrupt (3 for COM2/COM4, 4 for COM3), see transport_uart.c. */
struct ua_uart {
	uint16_t port;
	int present;              /* something answers at the port */
	struct ua_pace pace;      /* when to poll and when to halt */
	int halted;               /* the next look follows a halt */
	unsigned idle_us;         /* current pause between idle polls */
	int irq_registered;       /* idle waits block on the interrupt */
#if CONFIG_LIBUKSTOREAGENT_IRQ
	struct uk_waitq rx_wait;
	volatile int rx_signalled;
#endif
};
/* Takes the UART at `port` and programs it (115200 8N1, FIFO). With
 * LIBUKSTOREAGENT_IRQ it also takes `irq`; if that fails, idle waits sleep
 * instead. A port with no UART behind it is looked at again, rarely. */
void ua_uart_open(struct ua_uart *u, uint16_t port, unsigned irq);
void ua_uart_io(struct ua_io *io, struct ua_uart *u);

#endif /* UKSTOREAGENT_TRANSPORT_H */
