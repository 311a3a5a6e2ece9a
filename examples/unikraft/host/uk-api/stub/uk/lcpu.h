/* STUB (not upstream): uk/lcpu.h, included by uk/refcount.h; nothing of it
 * is used by the excerpted declarations. */
#ifndef __UK_LCPU_H__
#define __UK_LCPU_H__
#endif
