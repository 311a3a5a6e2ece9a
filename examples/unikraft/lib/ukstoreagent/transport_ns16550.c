/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Serial transport: a COM port owned through ukconsole's direct I/O. Input
 * is polled; when nothing came the thread idles (ua_port_idle) instead of
 * spinning. A port with no chardev behind it reads 0xff forever: such runs
 * carry no magic and are hunted away by the receiver, and the thread idles
 * after them as after an empty poll.
 */
#include "transport.h"

#include <errno.h>
#include <uk/console.h>

#include "port.h"

#define WRITE_STALL_LIMIT 1000 /* idles without progress before dropping */

static long uart_read(void *ctx, uint8_t *buf, size_t len, unsigned wait_ms)
{
	struct ua_uart *u = ctx;
	__ssz n = uk_console_in_direct(u->dev, (char *)buf, len);
	int noise = n > 0;

	(void)wait_ms; /* one poll, then idle: wait_ms is for blocking links */
	for (__ssz i = 0; i < n && noise; i++)
		noise = buf[i] == 0xff;
	if (n <= 0 || noise)
		ua_port_idle();
	return n > 0 ? (long)n : 0; /* a serial port never "goes away" */
}

static int uart_write(void *ctx, const uint8_t *buf, size_t len)
{
	struct ua_uart *u = ctx;
	unsigned stalls = 0;

	while (len && stalls < WRITE_STALL_LIMIT) {
		__ssz n = uk_console_out_direct(u->dev, (const char *)buf, len);

		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			stalls = 0;
		} else {
			stalls++;
			ua_port_idle();
		}
	}
	/* A stuck line drops the rest; the host times out and resyncs. */
	return 0;
}

int ua_uart_open(struct ua_uart *u, unsigned id)
{
	u->dev = uk_console_get((__u16)id);
	return u->dev ? 0 : -ENODEV;
}

void ua_uart_io(struct ua_io *io, struct ua_uart *u)
{
	io->ctx = u;
	io->read = uart_read;
	io->write = uart_write;
}
