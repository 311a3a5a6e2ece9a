/* STUB (not upstream) */
#ifndef __UKARCH_TIME_H__
#define __UKARCH_TIME_H__
#include <uk/arch/types.h>
#endif
