/* Test double of Unikraft's <uk/arch/types.h> (x86_64): just the names the
 * agent and ukstore use. */
#ifndef __UK_ARCH_TYPES_H__
#define __UK_ARCH_TYPES_H__
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
typedef int8_t __s8;
typedef uint8_t __u8;
typedef int16_t __s16;
typedef uint16_t __u16;
typedef int32_t __s32;
typedef uint32_t __u32;
typedef int64_t __s64;
typedef uint64_t __u64;
typedef uintptr_t __uptr;
typedef size_t __sz;
typedef ssize_t __ssz;
/* as uk/arch/atomic.h: the counter uk/refcount.h works on */
typedef struct { volatile __u32 counter; } __atomic;
#define __S8_MIN INT8_MIN
#define __S8_MAX INT8_MAX
#define __U8_MAX UINT8_MAX
#define __S16_MIN INT16_MIN
#define __S16_MAX INT16_MAX
#define __U16_MAX UINT16_MAX
#define __S32_MIN INT32_MIN
#define __S32_MAX INT32_MAX
#define __U32_MAX UINT32_MAX
#define __S64_MIN INT64_MIN
#define __S64_MAX INT64_MAX
#define __U64_MAX UINT64_MAX
#define __PTR_MAX UINTPTR_MAX
#endif
