/* Test double of the header libukstore generates: start/end of each
 * library's static entries, indexed 2 * libid and 2 * libid + 1.
 * - the simulated producers' libraries keep their "sections" in arrays
 *   defined in sim.c;
 * - libukstoreagent's entries (the agent's own counters, stats.c) are real
 *   sections, placed by UK_STORE_STATIC_ENTRY; the linker provides their
 *   bounds. Weak, so that a program linked without stats.c (the host
 *   agent, which serves docs/simulated-store.md only) finds an empty range.
 * Libraries without static entries have an empty range. */
#include "sections.h"

extern struct uk_store_entry __start_uk_store_lib_libukstoreagent[]
	__attribute__((weak));
extern struct uk_store_entry __stop_uk_store_lib_libukstoreagent[]
	__attribute__((weak));

static struct uk_store_entry *static_entries[] = {
	dbl_sec_libukalloc, dbl_sec_libukalloc + DBL_N_LIBUKALLOC,
	dbl_sec_libukfalloc, dbl_sec_libukfalloc + DBL_N_LIBUKFALLOC,
	0, 0, /* libuknetdev */
	dbl_sec_libukprint, dbl_sec_libukprint + DBL_N_LIBUKPRINT,
	0, 0, /* libuksched */
	dbl_sec_appsim, dbl_sec_appsim + DBL_N_APPSIM,
	__start_uk_store_lib_libukstoreagent,
	__stop_uk_store_lib_libukstoreagent,
};
