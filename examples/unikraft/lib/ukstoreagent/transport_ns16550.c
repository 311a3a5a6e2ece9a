/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Serial transport: a COM port (x86_64 ns16550 driver, drivers/ukconsole/
 * ns16550/com.c). Input is polled through ukconsole's direct I/O
 * (uk_console_in_direct() -> com_in(), which returns only the bytes the
 * UART holds, unchanged). Output does NOT go through uk_console_out_direct():
 * com_out() writes "\r" before every "\n", which would corrupt binary frames;
 * we write the UART's data register ourselves, as com_out() does, minus the
 * translation. When nothing came the thread idles (ua_port_idle) instead of
 * spinning. A port with no chardev behind it reads 0xff forever: such runs
 * carry no magic and are hunted away by the receiver, and the thread idles
 * after them as after an empty poll.
 */
#include "transport.h"

#include <errno.h>
#include <string.h>
#include <uk/console.h>
#include <uk/console/driver.h> /* struct uk_console: name, flags */

#include "port.h"

#define WRITE_STALL_LIMIT 1000 /* idles without progress before dropping */
#define TX_SPINS          4096 /* LSR polls before idling */

/* Port bases and registers as in drivers/ukconsole/ns16550/com.c */
static const struct {
	const char *name;
	uint16_t port;
} com_ports[] = {
	{ "COM1", 0x3f8 }, { "COM2", 0x2f8 }, { "COM3", 0x3e8 }, { "COM4", 0x2e8 },
};
#define COM_DATA(p)   ((uint16_t)((p) + 0))
#define COM_STATUS(p) ((uint16_t)((p) + 5))
#define COM_STATUS_TX_READY 0x20 /* LSR bit 5: THR empty */

static inline void ua_outb(uint16_t port, uint8_t v)
{
	__asm__ __volatile__("outb %0,%1" : : "a"(v), "dN"(port));
}

static inline uint8_t ua_inb(uint16_t port)
{
	uint8_t v;

	__asm__ __volatile__("inb %1,%0" : "=a"(v) : "dN"(port));
	return v;
}

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
		unsigned spins = 0;

		while (!(ua_inb(COM_STATUS(u->port)) & COM_STATUS_TX_READY) &&
		       spins < TX_SPINS)
			spins++;
		if (spins == TX_SPINS) {
			stalls++;
			ua_port_idle();
			continue;
		}
		ua_outb(COM_DATA(u->port), *buf++);
		len--;
		stalls = 0;
	}
	/* A stuck line drops the rest; the host times out and resyncs. */
	return 0;
}

int ua_uart_open(struct ua_uart *u, const char *name)
{
	__u16 n = uk_console_count();

	u->dev = NULL;
	u->port = 0;
	for (size_t i = 0; i < sizeof(com_ports) / sizeof(com_ports[0]); i++)
		if (!strcmp(name, com_ports[i].name))
			u->port = com_ports[i].port;
	if (!u->port)
		return -EINVAL;
	for (__u16 id = 0; id < n && !u->dev; id++) {
		struct uk_console *d = uk_console_get(id);

		if (d && d->name && !strcmp(d->name, name))
			u->dev = d;
	}
	if (!u->dev)
		return -ENODEV;
	/* The console's own port would mix printf output into our frames
	 * and lose our input to stdin readers. */
	if (u->dev->flags & (UK_CONSOLE_FLAG_STDOUT | UK_CONSOLE_FLAG_STDIN)) {
		u->dev = NULL;
		return -EBUSY;
	}
	return 0;
}

void ua_uart_io(struct ua_io *io, struct ua_uart *u)
{
	io->ctx = u;
	io->read = uart_read;
	io->write = uart_write;
}
