/* Test double of <uk/libid.h>: the library ids of docs/simulated-store.md,
 * then the agent's own library. */
#ifndef __LIBUKLIBID_H__
#define __LIBUKLIBID_H__
#include <uk/arch/types.h>
#define __UKLIBID_COUNT__ 7
#define UKLIBID_NONE ((__u16)-1)
__u16 uk_libid_count(void);
const char *uk_libname(__u16 libid);
#endif
