/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Compile-time limits of the agent. In a Unikraft build they come from
 * Kconfig (Config.uk); the host build passes them with -D. Every buffer the
 * agent uses is sized here, once, so nothing is allocated per request.
 */
#ifndef UKSTOREAGENT_CONFIG_H
#define UKSTOREAGENT_CONFIG_H

#if defined(__has_include)
#if __has_include(<uk/config.h>)
#include <uk/config.h> /* a Unikraft build: Kconfig's values */
#endif
#endif

#ifndef CONFIG_LIBUKSTOREAGENT_MAX_PAYLOAD
#define CONFIG_LIBUKSTOREAGENT_MAX_PAYLOAD 2048
#endif
#ifndef CONFIG_LIBUKSTOREAGENT_MAX_BATCH
#define CONFIG_LIBUKSTOREAGENT_MAX_BATCH 64
#endif
#ifndef CONFIG_LIBUKSTOREAGENT_MAX_STRING
#define CONFIG_LIBUKSTOREAGENT_MAX_STRING 1024
#endif
#ifndef CONFIG_LIBUKSTOREAGENT_MAX_OBJECTS
#define CONFIG_LIBUKSTOREAGENT_MAX_OBJECTS 64
#endif
#ifndef CONFIG_LIBUKSTOREAGENT_MAX_OBJ_ENTRIES
#define CONFIG_LIBUKSTOREAGENT_MAX_OBJ_ENTRIES 256
#endif
#ifndef CONFIG_LIBUKSTOREAGENT_NAME_MAX
#define CONFIG_LIBUKSTOREAGENT_NAME_MAX 64
#endif
#ifndef CONFIG_LIBUKSTOREAGENT_EVENT_QUEUE
#define CONFIG_LIBUKSTOREAGENT_EVENT_QUEUE 16
#endif
#ifndef CONFIG_LIBUKSTOREAGENT_TIMEOUT_MS
#define CONFIG_LIBUKSTOREAGENT_TIMEOUT_MS 250
#endif
#ifndef CONFIG_LIBUKSTOREAGENT_NAME
#define CONFIG_LIBUKSTOREAGENT_NAME ""
#endif

#define UA_MAX_PAYLOAD     CONFIG_LIBUKSTOREAGENT_MAX_PAYLOAD
#define UA_MAX_BATCH       CONFIG_LIBUKSTOREAGENT_MAX_BATCH
#define UA_MAX_STRING      CONFIG_LIBUKSTOREAGENT_MAX_STRING
#define UA_MAX_OBJECTS     CONFIG_LIBUKSTOREAGENT_MAX_OBJECTS
#define UA_MAX_OBJ_ENTRIES CONFIG_LIBUKSTOREAGENT_MAX_OBJ_ENTRIES
#define UA_NAME_MAX        CONFIG_LIBUKSTOREAGENT_NAME_MAX
#define UA_EVENT_QUEUE     CONFIG_LIBUKSTOREAGENT_EVENT_QUEUE
#define UA_TIMEOUT_MS      CONFIG_LIBUKSTOREAGENT_TIMEOUT_MS

/* The protocol's own bounds (docs/protocol.md §3.1, §7). */
#if UA_MAX_PAYLOAD < 512 || UA_MAX_PAYLOAD > 65535
#error "CONFIG_LIBUKSTOREAGENT_MAX_PAYLOAD must be 512 ... 65535"
#endif
#if UA_MAX_BATCH < 1 || UA_MAX_BATCH > 1024
#error "CONFIG_LIBUKSTOREAGENT_MAX_BATCH must be 1 ... 1024"
#endif
#if UA_MAX_STRING < 0 || UA_MAX_STRING > 4096
#error "CONFIG_LIBUKSTOREAGENT_MAX_STRING must be 0 ... 4096"
#endif
/* A charp SET (ref ≤ 30 bytes, tag, length, value) must fit our payload. */
#if UA_MAX_STRING + 3 + 30 + 1 + 2 > UA_MAX_PAYLOAD
#error "CONFIG_LIBUKSTOREAGENT_MAX_STRING too large for MAX_PAYLOAD"
#endif
#if UA_NAME_MAX < 1 || UA_NAME_MAX > 255
#error "CONFIG_LIBUKSTOREAGENT_NAME_MAX must be 1 ... 255"
#endif
#if UA_MAX_OBJECTS < 1 || UA_EVENT_QUEUE < 1 || UA_MAX_OBJ_ENTRIES < 1
#error "table sizes must be at least 1"
#endif

#endif /* UKSTOREAGENT_CONFIG_H */
