/* SPDX-License-Identifier: BSD-3-Clause */
/* Wire primitives: CRC-8/SMBUS, CRC-16/CCITT-FALSE, LEB128 varints, cursors. */
#include "wire.h"

#include <string.h>

uint8_t ua_crc8(const uint8_t *p, size_t n)
{
	uint8_t c = 0;

	/* Only ever run over the two length bytes: bitwise is small and enough. */
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int b = 0; b < 8; b++)
			c = (c & 0x80) ? (uint8_t)((c << 1) ^ 0x07) : (uint8_t)(c << 1);
	}
	return c;
}

/* Nibble table: 32 bytes of table instead of 512, two lookups a byte. */
static const uint16_t crc16_nib[16] = {
	0x0000, 0x1021, 0x2042, 0x3063, 0x4084, 0x50a5, 0x60c6, 0x70e7,
	0x8108, 0x9129, 0xa14a, 0xb16b, 0xc18c, 0xd1ad, 0xe1ce, 0xf1ef,
};

uint16_t ua_crc16(const uint8_t *p, size_t n)
{
	uint16_t c = 0xFFFF;

	for (size_t i = 0; i < n; i++) {
		c = (uint16_t)((c << 4) ^ crc16_nib[((c >> 12) ^ (p[i] >> 4)) & 0xF]);
		c = (uint16_t)((c << 4) ^ crc16_nib[((c >> 12) ^ (p[i] & 0xF)) & 0xF]);
	}
	return c;
}

void ua_rd_init(struct ua_rd *r, const uint8_t *p, size_t n)
{
	r->p = p;
	r->n = n;
	r->off = 0;
	r->bad = 0;
}

uint8_t ua_rd_u8(struct ua_rd *r)
{
	if (r->bad || r->off >= r->n) {
		r->bad = 1;
		return 0;
	}
	return r->p[r->off++];
}

uint16_t ua_rd_u16le(struct ua_rd *r)
{
	uint16_t lo = ua_rd_u8(r);
	uint16_t hi = ua_rd_u8(r);

	return (uint16_t)(lo | (hi << 8));
}

uint64_t ua_rd_varint(struct ua_rd *r)
{
	uint64_t v = 0;

	/* At most 10 bytes; the 10th may only carry the top bit (0x00/0x01). */
	for (unsigned i = 0; i < 10; i++) {
		uint8_t b = ua_rd_u8(r);

		if (r->bad)
			return 0;
		if (i == 9 && b > 0x01) {
			r->bad = 1;
			return 0;
		}
		v |= (uint64_t)(b & 0x7F) << (7 * i);
		if (!(b & 0x80))
			return v;
	}
	r->bad = 1; /* an 11th byte would follow */
	return 0;
}

int64_t ua_rd_svarint(struct ua_rd *r)
{
	uint64_t z = ua_rd_varint(r);

	/* zigzag decode without signed overflow */
	return (z & 1) ? (int64_t)(~(z >> 1)) : (int64_t)(z >> 1);
}

const uint8_t *ua_rd_bytes(struct ua_rd *r, size_t len)
{
	const uint8_t *q;

	if (r->bad || len > r->n - r->off) {
		r->bad = 1;
		return NULL;
	}
	q = r->p + r->off;
	r->off += len;
	return q;
}

int ua_rd_done(const struct ua_rd *r)
{
	return !r->bad && r->off == r->n;
}

void ua_wr_init(struct ua_wr *w, uint8_t *p, size_t cap)
{
	w->p = p;
	w->cap = cap;
	w->off = 0;
	w->full = 0;
}

void ua_wr_bytes(struct ua_wr *w, const void *b, size_t n)
{
	if (w->full || n > w->cap - w->off) {
		w->full = 1;
		return;
	}
	if (n)
		memcpy(w->p + w->off, b, n);
	w->off += n;
}

void ua_wr_u8(struct ua_wr *w, uint8_t v)
{
	ua_wr_bytes(w, &v, 1);
}

void ua_wr_u16le(struct ua_wr *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	ua_wr_bytes(w, b, 2);
}

size_t ua_varint_len(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

void ua_wr_varint(struct ua_wr *w, uint64_t v)
{
	uint8_t b[10];
	size_t n = 0;

	/* shortest form, as §1 requires of an encoder */
	while (v >= 0x80) {
		b[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	b[n++] = (uint8_t)v;
	ua_wr_bytes(w, b, n);
}

void ua_wr_svarint(struct ua_wr *w, int64_t v)
{
	uint64_t u = (uint64_t)v;

	/* (n << 1) ^ (n >> 63), computed on unsigned to avoid UB */
	ua_wr_varint(w, (u << 1) ^ (uint64_t)(0 - (u >> 63)));
}

void ua_wr_str8(struct ua_wr *w, const char *s, size_t n)
{
	if (n > 255) {
		w->full = 1; /* callers clamp names before; never encode a lie */
		return;
	}
	ua_wr_u8(w, (uint8_t)n);
	ua_wr_bytes(w, s, n);
}

size_t ua_frame_seal(uint8_t *buf, size_t len)
{
	uint16_t crc;

	buf[0] = UA_MAGIC0;
	buf[1] = UA_MAGIC1;
	buf[2] = (uint8_t)len;
	buf[3] = (uint8_t)(len >> 8);
	buf[4] = ua_crc8(buf + 2, 2);
	crc = ua_crc16(buf + 2, 3 + len);
	buf[5 + len] = (uint8_t)crc;
	buf[6 + len] = (uint8_t)(crc >> 8);
	return len + UA_FRAME_OVERHEAD;
}
