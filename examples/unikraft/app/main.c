/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Demo application for ukfs: exports two entries of its own through ukstore,
 * brings up its NIC so that uknetdev's statistics exist, and goes on with its
 * work while libukstoreagent serves the store on COM2. With ukfs mounted on
 * the host:
 *   cat /mnt/uk/net/eth0/rx_bytes
 *   cat /mnt/uk/appukstoredemo/ticks
 *   echo hello > /mnt/uk/appukstoredemo/greeting
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uk/sched.h>
#include <uk/store.h>

#include "nic.h"

#define SECOND 1000000000ull

static __u64 ticks;
static char greeting[64] = "hello from unikraft";

static int get_ticks(void *cookie, __u64 *out)
{
	(void)cookie;
	*out = ticks;
	return 0;
}

static int get_greeting(void *cookie, char **out)
{
	(void)cookie;
	*out = strdup(greeting); /* ukstore: the caller frees */
	return *out ? 0 : -ENOMEM;
}

static int set_greeting(void *cookie, const char *val)
{
	(void)cookie;
	if (strlen(val) >= sizeof(greeting))
		return -ERANGE;
	strcpy(greeting, val);
	return 0;
}

UK_STORE_STATIC_ENTRY(0x01, ticks, u64, get_ticks, NULL);
UK_STORE_STATIC_ENTRY(0x02, greeting, charp, get_greeting, set_greeting);

int main(void)
{
	int rc = nic_start();

	if (rc < 0)
		printf("ukstore demo: no NIC (%d): net/ stays empty\n", rc);
	printf("ukstore demo: the store is served on COM2 by ukstoreagent\n");
	for (;;) {
		/* the agent thread runs while this one sleeps */
		uk_sched_thread_sleep(SECOND);
		ticks++;
		nic_ping_gateway();
		if (ticks % 10 == 0)
			printf("ticks=%llu greeting=%s\n",
			       (unsigned long long)ticks, greeting);
	}
	return 0;
}
