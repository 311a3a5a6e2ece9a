/* STUB (not upstream) */
#ifndef __UKPLAT_BOOTSTRAP_H__
#define __UKPLAT_BOOTSTRAP_H__
enum ukplat_gstate { UKPLAT_HALT, UKPLAT_RESTART, UKPLAT_CRASH, UKPLAT_SUSPEND };
#endif
