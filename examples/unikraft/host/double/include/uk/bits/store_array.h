/* Test double of the header libukstore generates: start/end of each
 * library's static entries, indexed 2 * libid and 2 * libid + 1. The double
 * keeps each library's "section" in an array defined in sim.c; libraries
 * without static entries have an empty range. */
#include "sections.h"

static struct uk_store_entry *static_entries[] = {
	dbl_sec_libukalloc, dbl_sec_libukalloc + DBL_N_LIBUKALLOC,
	dbl_sec_libukfalloc, dbl_sec_libukfalloc + DBL_N_LIBUKFALLOC,
	0, 0, /* libuknetdev */
	dbl_sec_libukprint, dbl_sec_libukprint + DBL_N_LIBUKPRINT,
	0, 0, /* libuksched */
	dbl_sec_appsim, dbl_sec_appsim + DBL_N_APPSIM,
};
