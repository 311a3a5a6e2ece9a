/* STUB (not upstream) */
#ifndef __UKARCH_LIMITS_H__
#define __UKARCH_LIMITS_H__
#define __U16_MAX 0xffff
#endif
