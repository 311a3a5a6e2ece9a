/* STUB (not upstream) */
#ifndef __UKDEBUG_ASSERT_H__
#define __UKDEBUG_ASSERT_H__
#define UK_ASSERT(x) do { (void)sizeof(x); } while (0)
#endif
