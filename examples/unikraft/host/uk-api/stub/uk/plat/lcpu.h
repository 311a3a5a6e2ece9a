/* STUB (not upstream) */
#ifndef __UKPLAT_LCPU_H__
#define __UKPLAT_LCPU_H__
#endif
