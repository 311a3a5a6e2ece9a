/* STUB (not upstream): a single-core uk/arch/spinlock.h lookalike. */
#ifndef __UKARCH_SPINLOCK_H__
#define __UKARCH_SPINLOCK_H__
typedef struct { volatile int lock; } __spinlock;
#define UKARCH_SPINLOCK_INITIALIZER() { 0 }
void ukarch_spin_lock(__spinlock *l);
void ukarch_spin_unlock(__spinlock *l);
#endif
