/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Serial transport: a 16550 UART on x86 (COM2 … COM4), driven at its I/O
 * ports by the agent alone. Not through ukconsole: Unikraft 0.17.0 has no
 * COM2 driver at all, and later trees' driver writes "\r" before every "\n",
 * which would corrupt binary frames.
 *
 * Reading policy, measured under QEMU TCG (examples/unikraft/README.md):
 * - the UART's FIFO is enabled with a 14-byte trigger level while bytes
 *   flow, so QEMU hands over up to 14 bytes per poll instead of one (a
 *   14-byte request took 14 polls before);
 * - pace.c says when to poll (the thread only yields between looks) and
 *   when to halt: for UA_UART_HOT_US after received bytes, so the rest of a
 *   request is picked up at once, after an answer for a host's follow-up,
 *   and, once requests come in a rhythm (a shell loop of `cat`s), from
 *   shortly before the next one is due;
 * - otherwise, with LIBUKSTOREAGENT_IRQ, the thread blocks until the UART
 *   raises its receive interrupt (trigger level 1, so the first byte of the
 *   next request wakes it). The vCPU halts meanwhile: a guest polled in a
 *   tight loop kept a host CPU busy, which on a small host slowed the very
 *   client it was answering;
 * - without it (or if the interrupt cannot be had) it sleeps, doubling the
 *   pause from 1 ms up to UA_UART_IDLE_MAX_US.
 * Either way it wakes at least every UA_UART_IDLE_MAX_US, for the agent's
 * timeouts and events.
 */
#include "transport.h"

#include <uk/config.h>
#include <uk/plat/time.h>
#include <uk/sched.h>
#if CONFIG_LIBUKSTOREAGENT_IRQ
#include <uk/intctlr.h>
#include <uk/wait.h>
#endif

#include "port.h"

#ifndef CONFIG_LIBUKSTOREAGENT_HOT_US
#define CONFIG_LIBUKSTOREAGENT_HOT_US 200000
#endif
#ifndef CONFIG_LIBUKSTOREAGENT_IDLE_MAX_US
#define CONFIG_LIBUKSTOREAGENT_IDLE_MAX_US 16000
#endif
#ifndef CONFIG_LIBUKSTOREAGENT_RHYTHM_MAX_US
#define CONFIG_LIBUKSTOREAGENT_RHYTHM_MAX_US 20000
#endif
#ifndef CONFIG_LIBUKSTOREAGENT_RHYTHM_POLL_US
#define CONFIG_LIBUKSTOREAGENT_RHYTHM_POLL_US 700
#endif
#define UA_UART_HOT_NS      ((__nsec)CONFIG_LIBUKSTOREAGENT_HOT_US * 1000)
#define UA_UART_RHYTHM_NS   ((__nsec)CONFIG_LIBUKSTOREAGENT_RHYTHM_MAX_US * 1000)
#define UA_UART_SPIN_NS     ((__nsec)CONFIG_LIBUKSTOREAGENT_RHYTHM_POLL_US * 1000)
#ifndef CONFIG_LIBUKSTOREAGENT_RHYTHM_MARGIN_US
#define CONFIG_LIBUKSTOREAGENT_RHYTHM_MARGIN_US 150
#endif
#define UA_UART_MARGIN_NS   ((__nsec)CONFIG_LIBUKSTOREAGENT_RHYTHM_MARGIN_US * 1000)
#define UA_UART_IDLE_MAX_US CONFIG_LIBUKSTOREAGENT_IDLE_MAX_US
#define UA_UART_IDLE_MIN_US 1000
#define UA_UART_ABSENT_US   500000 /* no UART at all: look again rarely */

/* 16550 registers, as offsets from the port base */
#define REG_DATA 0 /* RBR / THR; divisor low with DLAB */
#define REG_IER  1 /* interrupt enable; divisor high with DLAB */
#define REG_FCR  2 /* FIFO control (write) */
#define REG_IIR  2 /* interrupt identification (read) */
#define REG_LCR  3
#define REG_MCR  4
#define REG_LSR  5
#define LCR_8N1      0x03
#define LCR_DLAB     0x80
#define FCR_ENABLE   0x01
#define FCR_CLEAR    0x06 /* clear both FIFOs */
#define FCR_TRIGGER1  0x00 /* see wait_for_byte */
#define FCR_TRIGGER14 0xc0 /* see uart_setup */
#define IER_RX_DATA  0x01
#define IIR_NONE     0x01 /* no interrupt pending at this UART */
#define MCR_DTR_RTS  0x03
#define MCR_OUT2     0x08 /* gates the UART's interrupt line on a PC */
#define LSR_DATA     0x01
#define LSR_TX_EMPTY 0x20
#define LSR_ABSENT   0xff /* nothing decodes the port: reads float high */

#define TX_SPINS          4096 /* LSR polls before pausing */
#define TX_FIFO           16   /* a 16550's transmit FIFO, on since uart_setup */
#define WRITE_STALL_LIMIT 1000 /* pauses without progress before dropping */

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ __volatile__("outb %0,%1" : : "a"(v), "dN"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ __volatile__("inb %1,%0" : "=a"(v) : "dN"(port));
	return v;
}

static void pause_us(unsigned us)
{
	uk_sched_thread_sleep((__nsec)us * 1000);
}

/* 115200 8N1, FIFO on, interrupts off until wait_for_byte. With QEMU's chardev
 * the rate is nominal, but a real UART needs it set. The FIFO's trigger
 * level means nothing to a poller, but QEMU offers the chardev's bytes to
 * the UART only up to it: at level 1 a request arrives one byte per poll,
 * at 14 whole. */
static void uart_setup(uint16_t base)
{
	outb(base + REG_IER, 0x00);
	outb(base + REG_LCR, LCR_DLAB);
	outb(base + REG_DATA, 0x01); /* divisor 1: 115200 baud */
	outb(base + REG_IER, 0x00);
	outb(base + REG_LCR, LCR_8N1);
	outb(base + REG_FCR, FCR_ENABLE | FCR_CLEAR | FCR_TRIGGER14);
	outb(base + REG_MCR, MCR_DTR_RTS | MCR_OUT2);
}

static int uart_present(uint16_t base)
{
	return inb(base + REG_LSR) != LSR_ABSENT;
}

#if CONFIG_LIBUKSTOREAGENT_IRQ
/* Runs in interrupt context. COM2 and COM4 share IRQ 3 (COM1 and COM3 share
 * 4), so an interrupt this UART did not raise is left to the others. */
static int uart_irq(void *arg)
{
	struct ua_uart *u = arg;

	if (inb(u->port + REG_IIR) & IIR_NONE)
		return 0;
	/* Masked until the thread arms it again: the line stays asserted until
	 * the FIFO is read, which only the thread does. */
	outb(u->port + REG_IER, 0x00);
	u->rx_signalled = 1;
	uk_waitq_wake_up(&u->rx_wait);
	return 1;
}

/* Blocks until a byte arrives or `deadline`; returns whether the
 * interrupt ended it. At trigger level 14, QEMU would raise the interrupt
 * for a short request only after its character timeout (4 character times,
 * ~350 us at 115200 baud); at level 1 the first byte raises it. Back at 14
 * once awake, the rest arrives in 14-byte steps. */
static int wait_for_byte(struct ua_uart *u, __nsec deadline)
{
	u->rx_signalled = 0;
	outb(u->port + REG_FCR, FCR_ENABLE | FCR_TRIGGER1);
	outb(u->port + REG_IER, IER_RX_DATA);
	uk_waitq_wait_event_deadline(&u->rx_wait,
				     u->rx_signalled ||
				     (inb(u->port + REG_LSR) & LSR_DATA),
				     deadline);
	outb(u->port + REG_IER, 0x00);
	outb(u->port + REG_FCR, FCR_ENABLE | FCR_TRIGGER14);
	return u->rx_signalled;
}
#endif

/* Halts until `until` at most: a byte (through the interrupt) ends it
 * earlier. A wake-up by the clock tells the pacer how late it was. */
static void halt_until(struct ua_uart *u, __nsec until)
{
	int by_byte = 0;

#if CONFIG_LIBUKSTOREAGENT_IRQ
	if (u->irq_registered)
		by_byte = wait_for_byte(u, until);
	else
#endif
	{
		__nsec now = ukplat_monotonic_clock();

		if (until > now)
			uk_sched_thread_sleep(until - now);
	}
	if (!by_byte)
		ua_pace_woke(&u->pace, ukplat_monotonic_clock());
}

/* Nothing is expected: the interrupt, or a sleep backing off. */
static void idle_wait(struct ua_uart *u)
{
#if CONFIG_LIBUKSTOREAGENT_IRQ
	if (u->irq_registered) {
		wait_for_byte(u, ukplat_monotonic_clock() +
				 (__nsec)UA_UART_IDLE_MAX_US * 1000);
		return;
	}
#endif
	u->idle_us = u->idle_us ? u->idle_us * 2 : UA_UART_IDLE_MIN_US;
	if (u->idle_us > UA_UART_IDLE_MAX_US)
		u->idle_us = UA_UART_IDLE_MAX_US;
	pause_us(u->idle_us);
}

static long uart_read(void *ctx, uint8_t *buf, size_t len, unsigned wait_ms)
{
	struct ua_uart *u = ctx;
	uint64_t now, until = 0;
	size_t n = 0;
	int after_halt = u->halted;

	(void)wait_ms; /* paced here: pace.c, then the interrupt or a sleep */
	if (!u->present) {
		pause_us(UA_UART_ABSENT_US);
		u->present = uart_present(u->port);
		if (u->present)
			uart_setup(u->port);
		return 0;
	}
	u->halted = 0;
	while (n < len && (inb(u->port + REG_LSR) & LSR_DATA))
		buf[n++] = inb(u->port + REG_DATA);
	now = ukplat_monotonic_clock();
	if (n) {
		ua_pace_received(&u->pace, now, after_halt);
		u->idle_us = 0;
		return (long)n;
	}
	switch (ua_pace_next(&u->pace, now, &until)) {
	case UA_PACE_POLL:
		uk_sched_yield();
		break;
	case UA_PACE_SLEEP:
		halt_until(u, (__nsec)until);
		u->halted = 1;
		break;
	case UA_PACE_WAIT:
		idle_wait(u);
		u->halted = 1;
		break;
	}
	return 0; /* a serial port never "goes away" */
}

static int uart_write(void *ctx, const uint8_t *buf, size_t len)
{
	struct ua_uart *u = ctx;
	unsigned stalls = 0;

	while (len && stalls < WRITE_STALL_LIMIT) {
		unsigned spins = 0;

		while (!(inb(u->port + REG_LSR) & LSR_TX_EMPTY) &&
		       spins < TX_SPINS)
			spins++;
		if (spins == TX_SPINS) {
			stalls++;
			pause_us(UA_UART_IDLE_MIN_US);
			continue;
		}
		/* THRE: the transmit FIFO is empty, so it takes TX_FIFO bytes
		 * without another look at LSR (one I/O exit each under QEMU). */
		for (unsigned i = 0; i < TX_FIFO && len; i++, len--)
			outb(u->port + REG_DATA, *buf++);
		stalls = 0;
	}
	ua_pace_sent(&u->pace, ukplat_monotonic_clock());
	/* A stuck line drops the rest; the host times out and resyncs. */
	return 0;
}

void ua_uart_open(struct ua_uart *u, uint16_t port, unsigned irq)
{
	u->port = port;
	u->halted = 0;
	u->idle_us = 0;
	u->present = uart_present(port);
	if (u->present)
		uart_setup(port);
	u->irq_registered = 0;
#if CONFIG_LIBUKSTOREAGENT_IRQ
	uk_waitq_init(&u->rx_wait);
	u->rx_signalled = 0;
	if (uk_intctlr_irq_register(irq, uart_irq, u) == 0)
		u->irq_registered = 1;
#else
	(void)irq;
#endif
	/* Without the interrupt nothing would wake a halt early, and a request
	 * that missed its rhythm would wait out the idle sleep: such a guest
	 * keeps polling through the hot window after every answer, as before. */
	ua_pace_init(&u->pace, UA_UART_HOT_NS,
		     u->irq_registered ? UA_UART_RHYTHM_NS : 0,
		     UA_UART_SPIN_NS, UA_UART_MARGIN_NS);
	ua_pace_publish(&u->pace);
}

void ua_uart_io(struct ua_io *io, struct ua_uart *u)
{
	io->ctx = u;
	io->read = uart_read;
	io->write = uart_write;
}
