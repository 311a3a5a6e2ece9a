/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Wire primitives of the ukfs bridge protocol v1 (docs/protocol.md §1, §2):
 * CRCs, varints and two bounded cursors. Nothing here knows about ukstore or
 * about the transport, so the fuzzer and the tests exercise it directly.
 */
#ifndef UKSTOREAGENT_WIRE_H
#define UKSTOREAGENT_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define UA_MAGIC0 0x55
#define UA_MAGIC1 0x4B
#define UA_FRAME_OVERHEAD 7 /* magic 2 + len 2 + hcrc 1 + crc 2 */
#define UA_MSG_HEADER 3     /* type 1 + rid 2 */

/* Message types (§3) */
enum {
	UA_T_HELLO = 0x01,
	UA_T_LIST = 0x02,
	UA_T_GET = 0x03,
	UA_T_SET = 0x04,
	UA_T_WATCH = 0x05,
	UA_T_PING = 0x06,
	UA_T_EVENT = 0x40,
	UA_T_ANSWER = 0x80,
};

/* Linux errno numbers as they go on the wire (§6), whatever the build's. */
enum {
	UA_EPERM = 1,
	UA_ENOENT = 2,
	UA_EIO = 5,
	UA_EACCES = 13,
	UA_EINVAL = 22,
	UA_ERANGE = 34,
	UA_ENOSYS = 38,
	UA_EPROTO = 71,
	UA_EOVERFLOW = 75,
	UA_EPROTONOSUPPORT = 93,
};

/* ukstore type codes (§4.1) */
enum {
	UA_TY_S8 = 1, UA_TY_U8, UA_TY_S16, UA_TY_U16, UA_TY_S32, UA_TY_U32,
	UA_TY_S64, UA_TY_U64, UA_TY_UPTR, UA_TY_CHARP
};

uint8_t ua_crc8(const uint8_t *p, size_t n);
uint16_t ua_crc16(const uint8_t *p, size_t n);

/* A read cursor over a received body. Any read past the end, over-long or
 * overflowing varint sets `bad`, after which every read yields 0: a decoder
 * checks `bad` once at the end instead of after every field. */
struct ua_rd {
	const uint8_t *p;
	size_t n;
	size_t off;
	int bad;
};

void ua_rd_init(struct ua_rd *r, const uint8_t *p, size_t n);
uint8_t ua_rd_u8(struct ua_rd *r);
uint16_t ua_rd_u16le(struct ua_rd *r);
uint64_t ua_rd_varint(struct ua_rd *r);
int64_t ua_rd_svarint(struct ua_rd *r);
/* Returns a pointer to `len` bytes inside the body, or NULL (and bad). */
const uint8_t *ua_rd_bytes(struct ua_rd *r, size_t len);
/* True when the body was read completely and correctly: no trailing bytes. */
int ua_rd_done(const struct ua_rd *r);

/* A write cursor into a fixed buffer. Writes that do not fit set `full` and
 * write nothing, so an encoder checks once at the end. */
struct ua_wr {
	uint8_t *p;
	size_t cap;
	size_t off;
	int full;
};

void ua_wr_init(struct ua_wr *w, uint8_t *p, size_t cap);
void ua_wr_u8(struct ua_wr *w, uint8_t v);
void ua_wr_u16le(struct ua_wr *w, uint16_t v);
void ua_wr_varint(struct ua_wr *w, uint64_t v);
void ua_wr_svarint(struct ua_wr *w, int64_t v);
void ua_wr_bytes(struct ua_wr *w, const void *b, size_t n);
void ua_wr_str8(struct ua_wr *w, const char *s, size_t n);
size_t ua_varint_len(uint64_t v);

/* Puts the 5-byte header and the 2-byte trailer around payload bytes
 * buf[5 .. 5+len) and returns the frame length (len + 7). */
size_t ua_frame_seal(uint8_t *buf, size_t len);

#endif /* UKSTOREAGENT_WIRE_H */
