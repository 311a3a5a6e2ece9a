/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Demo application: exports two entries of its own through ukstore and goes
 * on with its work while libukstoreagent serves the store on COM2. With
 * ukfs mounted on the host:
 *   cat /mnt/uk/appukstoredemo/ticks
 *   echo hello > /mnt/uk/appukstoredemo/greeting
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uk/store.h>

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
	printf("ukstore demo: the store is served on COM2 by ukstoreagent\n");
	for (;;) {
		sleep(1); /* the agent thread runs meanwhile */
		ticks++;
		if (ticks % 10 == 0)
			printf("ticks=%llu greeting=%s\n",
			       (unsigned long long)ticks, greeting);
	}
	return 0;
}
