/* The double's per-library "sections" of static entries (sim.c). */
#ifndef DBL_SECTIONS_H
#define DBL_SECTIONS_H
struct uk_store_entry;
#define DBL_N_LIBUKALLOC 11
#define DBL_N_LIBUKFALLOC 2
#define DBL_N_LIBUKPRINT 1
#define DBL_N_APPSIM 3
extern struct uk_store_entry dbl_sec_libukalloc[DBL_N_LIBUKALLOC];
extern struct uk_store_entry dbl_sec_libukfalloc[DBL_N_LIBUKFALLOC];
extern struct uk_store_entry dbl_sec_libukprint[DBL_N_LIBUKPRINT];
extern struct uk_store_entry dbl_sec_appsim[DBL_N_APPSIM];

#endif
