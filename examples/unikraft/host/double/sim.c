/*
 * The simulated store (docs/simulated-store.md), produced through the
 * ukstore double exactly as upstream producers use ukstore: static entries
 * in per-library sections, objects through uk_store_obj_alloc/_add, events.
 * Values derive from the time since start so that they move like a running
 * system's: counters only rise, current values go up and down, max_* never
 * fall. Nothing here allocates except object creation and charp getters.
 */
#include "sim.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <uk/event.h>
#include <uk/store.h>
#include "sections.h"

enum { LIB_UKALLOC, LIB_UKFALLOC, LIB_UKNETDEV, LIB_UKPRINT, LIB_UKSCHED, LIB_APPSIM };

static uint64_t t0_ms;

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t dbl_sim_uptime_ms(void)
{
	return mono_ms() - t0_ms;
}

/* A triangle wave 0 … 5000 … 0 with a 10 s period, and its running max. */
static uint64_t wave(uint64_t t)
{
	uint64_t p = t % 10000;

	return p < 5000 ? p : 10000 - p;
}
static uint64_t wave_max(uint64_t t)
{
	return t >= 5000 ? 5000 : wave(t);
}

#define MiB (1024ull * 1024ull)
#define MEM_TOTAL (256 * MiB)

/* --- libukalloc (static, read-only) ---------------------------------------- */
static int cur_mem_use(void *c, __s64 *o) { (void)c; *o = (__s64)(8 * MiB + wave(dbl_sim_uptime_ms()) * 1024); return 0; }
static int max_mem_use(void *c, __s64 *o) { (void)c; *o = (__s64)(8 * MiB + wave_max(dbl_sim_uptime_ms()) * 1024); return 0; }
static int cur_mem_free(void *c, __u64 *o) { __s64 u; cur_mem_use(c, &u); *o = MEM_TOTAL - (__u64)u; return 0; }
static int cur_nb_allocs(void *c, __s64 *o) { (void)c; *o = (__s64)(1000 + wave(dbl_sim_uptime_ms()) / 10); return 0; }
static int max_nb_allocs(void *c, __s64 *o) { (void)c; *o = (__s64)(1000 + wave_max(dbl_sim_uptime_ms()) / 10); return 0; }
static int tot_nb_allocs(void *c, __u64 *o) { (void)c; *o = 5000 + dbl_sim_uptime_ms(); return 0; }
static int tot_nb_frees(void *c, __u64 *o)
{
	uint64_t t = dbl_sim_uptime_ms();

	(void)c;
	*o = 5000 + t - (1000 + wave(t) / 10); /* allocs - live allocations */
	return 0;
}
static int last_alloc_size(void *c, __u64 *o) { (void)c; *o = 16u << ((dbl_sim_uptime_ms() / 1000) % 8); return 0; }
static int max_alloc_size(void *c, __u64 *o) { (void)c; *o = 2 * MiB; return 0; }
static int min_alloc_size(void *c, __u64 *o) { (void)c; *o = 8; return 0; }
static int nb_enomem(void *c, __u64 *o) { (void)c; *o = 0; return 0; }

/* Defined in reverse: upstream's section holds a library's static entries
 * in reverse order of definition, and the agent must not rely on order. */
struct uk_store_entry dbl_sec_libukalloc[DBL_N_LIBUKALLOC] = {
	DBL_STORE_STATIC_ENTRY_INIT(0x0b, "nb_enomem", u64, nb_enomem, NULL),
	DBL_STORE_STATIC_ENTRY_INIT(0x0a, "max_mem_use", s64, max_mem_use, NULL),
	DBL_STORE_STATIC_ENTRY_INIT(0x09, "cur_mem_use", s64, cur_mem_use, NULL),
	DBL_STORE_STATIC_ENTRY_INIT(0x08, "max_nb_allocs", s64, max_nb_allocs, NULL),
	DBL_STORE_STATIC_ENTRY_INIT(0x07, "cur_nb_allocs", s64, cur_nb_allocs, NULL),
	DBL_STORE_STATIC_ENTRY_INIT(0x06, "tot_nb_frees", u64, tot_nb_frees, NULL),
	DBL_STORE_STATIC_ENTRY_INIT(0x05, "tot_nb_allocs", u64, tot_nb_allocs, NULL),
	DBL_STORE_STATIC_ENTRY_INIT(0x04, "min_alloc_size", u64, min_alloc_size, NULL),
	DBL_STORE_STATIC_ENTRY_INIT(0x03, "max_alloc_size", u64, max_alloc_size, NULL),
	DBL_STORE_STATIC_ENTRY_INIT(0x02, "last_alloc_size", u64, last_alloc_size, NULL),
	DBL_STORE_STATIC_ENTRY_INIT(0x01, "cur_mem_free", u64, cur_mem_free, NULL),
};

/* --- libukfalloc (static + falloc0) ---------------------------------------- */
#define FALLOC_TOTAL (1024 * MiB)
static int falloc_free(void *c, __u64 *o) { (void)c; *o = FALLOC_TOTAL - 64 * MiB - wave(dbl_sim_uptime_ms()) * 4096; return 0; }
static int falloc_total(void *c, __u64 *o) { (void)c; *o = FALLOC_TOTAL; return 0; }

struct uk_store_entry dbl_sec_libukfalloc[DBL_N_LIBUKFALLOC] = {
	DBL_STORE_STATIC_ENTRY_INIT(0x02, "total_memory_global", u64, falloc_total, NULL),
	DBL_STORE_STATIC_ENTRY_INIT(0x01, "free_memory_global", u64, falloc_free, NULL),
};

/* --- libuknetdev (netdev<N>) ------------------------------------------------ */
struct netdev {
	unsigned k;
	uint64_t created_ms;
	struct uk_store_object *obj;
};
static struct netdev netdevs[256];
static unsigned netdev_count;

static uint64_t nd_age(void *c)
{
	struct netdev *n = c;

	return dbl_sim_uptime_ms() - n->created_ms;
}
static uint64_t nd_k1(void *c) { return ((struct netdev *)c)->k + 1; }
static int tx_packets(void *c, __u64 *o) { *o = nd_age(c) * nd_k1(c) / 4; return 0; }
static int tx_bytes(void *c, __u64 *o) { tx_packets(c, o); *o *= 98; return 0; }
static int tx_errors(void *c, __u64 *o) { tx_packets(c, o); *o /= 5000; return 0; }
static int rx_packets(void *c, __u64 *o) { *o = nd_age(c) * nd_k1(c) / 3; return 0; }
static int rx_bytes(void *c, __u64 *o) { rx_packets(c, o); *o *= 142; return 0; }
static int rx_errors(void *c, __u64 *o) { rx_packets(c, o); *o /= 7000; return 0; }
static int fifo(void *c, __u64 *o) { (void)c; *o = 0; return 0; }

static int netdev_create(unsigned k)
{
	/* Declared as lib/uknetdev/stats.c declares them, with string
	 * literals, which UK_STORE_ENTRY stringifies once more: the names in
	 * the store carry the quotes ("\"rx_bytes\""), and the agent must
	 * serve them plain. */
	const struct uk_store_entry *tmpl[] = {
		UK_STORE_ENTRY(0x01, "tx_bytes", u64, tx_bytes, NULL),
		UK_STORE_ENTRY(0x02, "tx_packets", u64, tx_packets, NULL),
		UK_STORE_ENTRY(0x03, "tx_errors", u64, tx_errors, NULL),
		UK_STORE_ENTRY(0x04, "tx_fifo", u64, fifo, NULL),
		UK_STORE_ENTRY(0x10, "rx_bytes", u64, rx_bytes, NULL),
		UK_STORE_ENTRY(0x20, "rx_packets", u64, rx_packets, NULL),
		UK_STORE_ENTRY(0x30, "rx_errors", u64, rx_errors, NULL),
		UK_STORE_ENTRY(0x40, "rx_fifo", u64, fifo, NULL),
		NULL,
	};
	char name[16];
	struct netdev *n = &netdevs[k];

	snprintf(name, sizeof(name), "netdev%u", k);
	n->k = k;
	n->created_ms = dbl_sim_uptime_ms();
	n->obj = uk_store_obj_alloc(NULL, k, name, tmpl, n);
	if (PTRISERR(n->obj)) {
		n->obj = NULL;
		return -ENOMEM;
	}
	return _uk_store_obj_add(LIB_UKNETDEV, n->obj);
}

static void netdev_release(unsigned k)
{
	struct uk_store_event_data d = { LIB_UKNETDEV, k };

	/* upstream declares the event but no producer raises it yet: the
	 * simulation raises it while the object still exists, then drops the
	 * producer's reference */
	uk_raise_event(UKSTORE_EVENT_RELEASE_OBJECT, &d);
	uk_store_obj_release(netdevs[k].obj);
	netdevs[k].obj = NULL;
}

/* --- libukprint ------------------------------------------------------------ */
static __u8 console_lvl = 3;
static int get_console_lvl(void *c, __u8 *o) { (void)c; *o = console_lvl; return 0; }
static int set_console_lvl(void *c, __u8 v) { (void)c; console_lvl = v; return 0; }

struct uk_store_entry dbl_sec_libukprint[DBL_N_LIBUKPRINT] = {
	DBL_STORE_STATIC_ENTRY_INIT(0x01, "console_lvl", u8, get_console_lvl, set_console_lvl),
};

/* --- libuksched (cpu0, cpu1) -------------------------------------------- */
static unsigned cpu_ids[2] = { 0, 1 };
static int cpu_time_total(void *c, __u64 *o) { (void)c; *o = dbl_sim_uptime_ms() * 1000000u; return 0; }
static int cpu_time_idle(void *c, __u64 *o)
{
	*o = dbl_sim_uptime_ms() * 1000000u / 100u * (90u + 5u * *(unsigned *)c);
	return 0;
}
static int sched_count(void *c, __u64 *o) { (void)c; *o = dbl_sim_uptime_ms() * 2; return 0; }
static int yield_count(void *c, __u64 *o) { (void)c; *o = dbl_sim_uptime_ms(); return 0; }
static int next_count(void *c, __u64 *o) { (void)c; *o = dbl_sim_uptime_ms() * 2; return 0; }
static int idle_count(void *c, __u64 *o) { (void)c; *o = dbl_sim_uptime_ms() / 2; return 0; }

/* --- appsim ------------------------------------------------------------------ */
static char hostname[64] = "unikraft";

static int get_netdev_count(void *c, __u8 *o) { (void)c; *o = (__u8)netdev_count; return 0; }
static int set_netdev_count(void *c, __u8 n)
{
	(void)c;
	for (unsigned k = 0; k < n; k++)
		if (!netdevs[k].obj && netdev_create(k) < 0)
			return -ENOMEM;
	for (unsigned k = 256; k-- > n;)
		if (netdevs[k].obj)
			netdev_release(k);
	netdev_count = n;
	return 0;
}
static int get_hostname(void *c, char **o)
{
	(void)c;
	*o = strdup(hostname); /* the caller frees, as ukstore's API says */
	return *o ? 0 : -ENOMEM;
}
static int set_hostname(void *c, const char *v)
{
	(void)c;
	if (strlen(v) > 63)
		return -ERANGE;
	strcpy(hostname, v);
	return 0;
}
static int uptime_ms(void *c, __u64 *o) { (void)c; *o = dbl_sim_uptime_ms(); return 0; }

struct uk_store_entry dbl_sec_appsim[DBL_N_APPSIM] = {
	DBL_STORE_STATIC_ENTRY_INIT(0x03, "uptime_ms", u64, uptime_ms, NULL),
	DBL_STORE_STATIC_ENTRY_INIT(0x02, "hostname", charp, get_hostname, set_hostname),
	DBL_STORE_STATIC_ENTRY_INIT(0x01, "netdev_count", u8, get_netdev_count, set_netdev_count),
};

static void add_object(__u16 lib, __u64 id, const char *name,
		       const struct uk_store_entry **tmpl, void *cookie)
{
	struct uk_store_object *o = uk_store_obj_alloc(NULL, id, name, tmpl, cookie);

	if (PTRISERR(o) || _uk_store_obj_add(lib, o) < 0) {
		fprintf(stderr, "ukstore double: cannot create %s\n", name);
		exit(1);
	}
}

void dbl_sim_init(void)
{
	const struct uk_store_entry *falloc[] = {
		UK_STORE_ENTRY(0x01, free_memory, u64, falloc_free, NULL),
		UK_STORE_ENTRY(0x02, total_memory, u64, falloc_total, NULL),
		NULL,
	};
	const struct uk_store_entry *cpu[] = {
		UK_STORE_ENTRY(0x01, cpu_time_total, u64, cpu_time_total, NULL),
		UK_STORE_ENTRY(0x02, cpu_time_idle, u64, cpu_time_idle, NULL),
		UK_STORE_ENTRY(0x03, sched_count, u64, sched_count, NULL),
		UK_STORE_ENTRY(0x04, yield_count, u64, yield_count, NULL),
		UK_STORE_ENTRY(0x05, next_count, u64, next_count, NULL),
		UK_STORE_ENTRY(0x06, idle_count, u64, idle_count, NULL),
		NULL,
	};

	t0_ms = mono_ms();
	add_object(LIB_UKFALLOC, 0, "falloc0", falloc, NULL);
	add_object(LIB_UKSCHED, 0, "cpu0", cpu, &cpu_ids[0]);
	add_object(LIB_UKSCHED, 1, "cpu1", cpu, &cpu_ids[1]);
	set_netdev_count(NULL, 1);
}
