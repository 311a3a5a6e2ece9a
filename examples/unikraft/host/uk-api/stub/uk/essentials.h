/* STUB (not upstream): the compiler-attribute macros of uk/essentials.h the
 * upstream excerpts use, defined as upstream defines them for GCC. */
#ifndef __UK_ESSENTIALS_H__
#define __UK_ESSENTIALS_H__
#include <stddef.h>
#define __used          __attribute__((used))
#define __unused        __attribute__((unused))
#define __maybe_unused  __attribute__((unused))
#define __noreturn      __attribute__((noreturn))
#define __section(s)    __attribute__((section(s)))
#define __align(a)      __attribute__((aligned(a)))
#define __align8        __attribute__((aligned(8)))
#define likely(x)       __builtin_expect((!!(x)), 1)
#define unlikely(x)     __builtin_expect((!!(x)), 0)
#define __STRINGIFY(x)  #x
#define STRINGIFY(x)    __STRINGIFY(x)
#ifndef __NULL
#define __NULL ((void *)0)
#endif
#endif
