/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Thread glue: a late initcall starts the agent in its own thread, so the
 * application's main() goes on. The thread owns the transport chosen in
 * Kconfig (a serial port) and serves one host at a time, forever.
 */
#include <errno.h>

#include <uk/config.h>
#include <uk/init.h>
#include <uk/print.h>
#include <uk/sched.h>
#include <uk/storeagent.h>
#include <uk/thread.h>

#include "agent.h"
#include "catalog.h"
#include "port.h"
#include "transport.h"

/* All the agent's buffers: static, sized by Kconfig, never allocated. */
static struct ua_agent agent;
static struct ua_io io;

/* The UART's I/O port base, chosen in Kconfig. */
#if CONFIG_LIBUKSTOREAGENT_COM3
#define UA_COM_NAME "COM3"
#define UA_COM_PORT 0x3e8
#define UA_COM_IRQ  4
#elif CONFIG_LIBUKSTOREAGENT_COM4
#define UA_COM_NAME "COM4"
#define UA_COM_PORT 0x2e8
#define UA_COM_IRQ  3
#else
#define UA_COM_NAME "COM2"
#define UA_COM_PORT 0x2f8
#define UA_COM_IRQ  3
#endif

static void serve(const uint8_t boot[8])
{
	static struct ua_uart uart;

	ua_uart_open(&uart, UA_COM_PORT, UA_COM_IRQ);
	ua_uart_io(&io, &uart);
	ua_agent_init(&agent, &io, CONFIG_LIBUKSTOREAGENT_NAME, boot);
	uk_pr_info("ukstoreagent: serving on %s, %s%s\n", UA_COM_NAME,
		   uart.irq_registered ? "woken by its interrupt" : "polled",
		   uart.present ? "" : " (no UART there yet)");
	for (;;) /* a serial line has no disconnect: serve returns only on errors */
		ua_agent_serve(&agent, 0, NULL);
}

/* uk_thread_fn1_t is `void (*)(void *) __noreturn` (uk/thread.h) */
static __noreturn void agent_thread(void *arg)
{
	uint8_t boot[8];

	(void)arg;
	ua_port_boot_id(boot);
	ua_catalog_start();
	serve(boot);
	uk_sched_thread_exit(); /* serve() returns only when the link is unusable */
}

static int ukstoreagent_init(struct uk_init_ctx *ictx)
{
	struct uk_thread *t;

	(void)ictx;
	t = uk_sched_thread_create(uk_sched_current(), agent_thread, NULL,
				   "ukstoreagent");
	if (!t) {
		uk_pr_err("ukstoreagent: cannot create its thread\n");
		return -ENOMEM;
	}
	return 0;
}

/* uk/init.h: uk_late_initcall(init_fn, term_fn); late class runs in the
 * main thread with the scheduler up, right before main(). */
uk_late_initcall(ukstoreagent_init, 0x0);
