/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Transports: each fills a struct ua_io (agent.h) with read/write callbacks.
 * - ns16550: a COM port found by name through uk_console_get(), read with
 *   uk_console_in_direct(), written at its I/O port (no LF -> CRLF), polled (transport_ns16550.c, Unikraft only);
 */
#ifndef UKSTOREAGENT_TRANSPORT_H
#define UKSTOREAGENT_TRANSPORT_H

#include "agent.h"

/* A 16550 UART at an x86 I/O port base (COM2 0x2f8, COM3 0x3e8, COM4 0x2e8),
 * polled (transport_uart.c). */
struct ua_uart {
	uint16_t port;
	int present;              /* something answers at the port */
	uint64_t last_traffic_ms; /* last byte in or out: polls stay hot */
	unsigned idle_us;         /* current pause between idle polls */
};
/* Takes the UART at `port` and programs it (115200 8N1, FIFO, no IRQs). A
 * port with no UART behind it is looked at again, rarely, while polled. */
void ua_uart_open(struct ua_uart *u, uint16_t port);
void ua_uart_io(struct ua_io *io, struct ua_uart *u);

#endif /* UKSTOREAGENT_TRANSPORT_H */
