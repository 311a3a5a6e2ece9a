/* STUB (not upstream) */
#ifndef __UK_BITOPS_H__
#define __UK_BITOPS_H__
#define UK_BIT(n) (1UL << (n))
#endif
