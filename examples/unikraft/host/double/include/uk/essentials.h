/* Test double of <uk/essentials.h>: the attributes ukstore's header uses. */
#ifndef __UK_ESSENTIALS_H__
#define __UK_ESSENTIALS_H__
#define __align8 __attribute__((aligned(8)))
#define __unused __attribute__((unused))
#define __used __attribute__((used))
#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif
#define __STRINGIFY(x) #x
#define STRINGIFY(x) __STRINGIFY(x)
#endif
