/* SPDX-License-Identifier: BSD-3-Clause */
/* The agent's port (port.h) on Unikraft. */
#include "port.h"

#include <uk/config.h>
#include <uk/plat/time.h>
#include <uk/spinlock.h>

#include "config.h"

/* Taken by the agent thread and by ukstore event handlers running in the
 * producers' threads; held only around table updates, never around ukstore
 * calls. */
/* uk_spinlock, not __spinlock: with CONFIG_LIBUKLOCK_TICKETLOCK uk/spinlock.h
 * maps it to __ticketlock and never includes uk/arch/spinlock.h. */
static uk_spinlock lock = UK_SPINLOCK_INITIALIZER();

uint64_t ua_port_now_ms(void)
{
	return (uint64_t)ukplat_monotonic_clock() / 1000000u;
}

void ua_port_lock(void)
{
	uk_spin_lock(&lock);
}

void ua_port_unlock(void)
{
	uk_spin_unlock(&lock);
}

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void ua_port_boot_id(uint8_t out[8])
{
	/* LIBUKRANDOM cannot run under QEMU TCG (no RDSEED): mix the wall
	 * clock, the monotonic clock and the TSC. Good enough to tell boots
	 * apart, which is all a boot id is for. */
	uint64_t seed = (uint64_t)ukplat_wall_clock() ^
			((uint64_t)ukplat_monotonic_clock() << 17);
	uint64_t r;
#if defined(__x86_64__)
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	seed ^= ((uint64_t)hi << 32) | lo;
#endif
	r = splitmix64(&seed);
	for (int i = 0; i < 8; i++)
		out[i] = (uint8_t)(r >> (8 * i));
}
