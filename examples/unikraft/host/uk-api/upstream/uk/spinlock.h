/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EXCERPT of unikraft/unikraft lib/uklock/include/uk/spinlock.h at commit
 * d6d672f1fb0702b8a7379e620909bb98e4bba5e7. BSD-3-Clause, Copyright (c) 2021
 * OpenSynergy GmbH, (c) 2021 Karlsruhe Institute of Technology. Both
 * branches verbatim; the _irq variants left out.
 */
#ifndef __UK_SPINLOCK_H__
#define __UK_SPINLOCK_H__

#include <uk/plat/lcpu.h>
#include <uk/essentials.h>

#ifndef CONFIG_LIBUKLOCK_TICKETLOCK

#ifndef uk_spinlock
#include <uk/arch/spinlock.h>

#define uk_spinlock __spinlock

#define UK_SPINLOCK_INITIALIZER()  UKARCH_SPINLOCK_INITIALIZER()
#define uk_spin_init(lock)         ukarch_spin_init(lock)
#define uk_spin_lock(lock)         ukarch_spin_lock(lock)
#define uk_spin_unlock(lock)       ukarch_spin_unlock(lock)
#define uk_spin_trylock(lock)      ukarch_spin_trylock(lock)
#define uk_spin_is_locked(lock)    ukarch_spin_is_locked(lock)
#endif /* uk_spinlock */

#else	/* CONFIG_LIBUKLOCK_TICKETLOCK */

#ifndef uk_spinlock

#ifdef CONFIG_ARCH_ARM_64
#include <uk/arch/arm64/ticketlock.h>
#endif

#define uk_spinlock __ticketlock

#define UK_SPINLOCK_INITIALIZER()  UKARCH_TICKETLOCK_INITIALIZER()
#define uk_spin_init(lock)         ukarch_ticket_init(lock)
#define uk_spin_lock(lock)         ukarch_ticket_lock(lock)
#define uk_spin_unlock(lock)       ukarch_ticket_unlock(lock)
#define uk_spin_trylock(lock)      ukarch_ticket_trylock(lock)
#define uk_spin_is_locked(lock)    ukarch_ticket_is_locked(lock)
#endif /* uk_spinlock */

#endif	/* CONFIG_LIBUKLOCK_TICKETLOCK */

#endif /* __UK_SPINLOCK_H__ */
