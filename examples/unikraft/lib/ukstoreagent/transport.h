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

struct uk_console;
struct ua_uart {
	struct uk_console *dev; /* input: uk_console_in_direct() */
	uint16_t port;          /* output: the UART's I/O port base */
};
/* Owns the ukconsole device named `name` ("COM1" ... "COM4"). Returns 0,
 * -EINVAL (not a COM name), -ENODEV (not registered) or -EBUSY (it is a
 * stdin/stdout console). */
int ua_uart_open(struct ua_uart *u, const char *name);
void ua_uart_io(struct ua_io *io, struct ua_uart *u);

#endif /* UKSTOREAGENT_TRANSPORT_H */
