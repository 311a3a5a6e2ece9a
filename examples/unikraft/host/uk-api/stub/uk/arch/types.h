/* STUB (not upstream): x86_64 widths of uk/arch/types.h. */
#ifndef __UKARCH_TYPES_H__
#define __UKARCH_TYPES_H__
#include <stdint.h>
#include <stddef.h>
typedef int8_t __s8;   typedef uint8_t __u8;
typedef int16_t __s16; typedef uint16_t __u16;
typedef int32_t __s32; typedef uint32_t __u32;
typedef int64_t __s64; typedef uint64_t __u64;
typedef uintptr_t __uptr; typedef size_t __sz; typedef long __ssz;
typedef __u64 __nsec;
#endif
