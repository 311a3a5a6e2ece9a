/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Transports: each fills a struct ua_io (agent.h) with read/write callbacks.
 * - ns16550: a COM port found by name through uk_console_get(), read with
 *   uk_console_in_direct(), written at its I/O port (no LF -> CRLF), polled (transport_ns16550.c, Unikraft only);
 * - fd: any POSIX file descriptor: a virtio-console port under
 *   /dev/virtio-ports/, an accepted AF_VSOCK, TCP or Unix stream socket
 *   (transport_fd.c; also the host build's transport).
 */
#ifndef UKSTOREAGENT_TRANSPORT_H
#define UKSTOREAGENT_TRANSPORT_H

#include "agent.h"

struct ua_fd {
	int fd;
};

void ua_fd_io(struct ua_io *io, struct ua_fd *f);
/* Listening sockets; return the fd or a negative errno. */
int ua_fd_listen_unix(const char *path);
int ua_fd_listen_tcp(unsigned port);
int ua_fd_listen_vsock(unsigned port);
/* Waits for a connection, checking *stop every 100 ms. Returns the fd,
 * -EINTR when stopped, or another negative errno. */
int ua_fd_accept(int lfd, volatile const int *stop);
/* Opens a character device (a virtio-console port) for reading and writing. */
int ua_fd_open(const char *path);

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
