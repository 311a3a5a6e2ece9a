/* STUB (not upstream) */
#ifndef __UK_ALLOC_H__
#define __UK_ALLOC_H__
struct uk_alloc;
#endif
