/* Test-side tools, independent of the agent's code (inline: each test file
 * uses its own part of them): a parser for
 * docs/vectors/protocol-v1.txt, a reader, a receiver following §2.3 and the
 * canonical renderer of §9. The tests hold the agent against these. */
#ifndef TEST_VECTORS_H
#define TEST_VECTORS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_VECTORS 128
#define MAX_MSGS 8

struct vector {
	char name[96];
	int to_guest;
	unsigned max;
	uint8_t *bytes;
	size_t n;
	int nmsgs;
	char *msgs[MAX_MSGS];
};

static inline int hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* Returns the number of vectors, or -1. */
static inline int load_vectors(const char *path, struct vector *v, int maxv)
{
	FILE *f = fopen(path, "r");
	static char line[1 << 16];
	int n = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		size_t l = strlen(line);

		while (l && (line[l - 1] == '\n' || line[l - 1] == '\r'))
			line[--l] = 0;
		if (!strncmp(line, "vector ", 7)) {
			if (++n >= maxv)
				break;
			memset(&v[n], 0, sizeof(v[n]));
			snprintf(v[n].name, sizeof(v[n].name), "%.90s", line + 7);
			v[n].max = 65535;
		} else if (n < 0) {
			continue;
		} else if (!strncmp(line, "dir ", 4)) {
			v[n].to_guest = !strcmp(line + 4, "to-guest");
		} else if (!strncmp(line, "max ", 4)) {
			v[n].max = (unsigned)atoi(line + 4);
		} else if (!strncmp(line, "hex ", 4)) {
			for (char *p = line + 4; *p; p++) {
				int hi = hexval(p[0]), lo;

				if (hi < 0)
					continue;
				lo = hexval(p[1]);
				if (lo < 0)
					break;
				v[n].bytes = realloc(v[n].bytes, v[n].n + 1);
				v[n].bytes[v[n].n++] = (uint8_t)(hi << 4 | lo);
				p++;
			}
		} else if (!strncmp(line, "msg ", 4) && v[n].nmsgs < MAX_MSGS) {
			v[n].msgs[v[n].nmsgs++] = strdup(line + 4);
		}
	}
	fclose(f);
	return n + 1;
}

/* --- reader --- */
struct tr {
	const uint8_t *p;
	size_t n, off;
	int bad;
};

static inline unsigned tr_u8(struct tr *r)
{
	if (r->off >= r->n) { r->bad = 1; return 0; }
	return r->p[r->off++];
}

static inline uint64_t tr_var(struct tr *r)
{
	uint64_t v = 0;

	for (int i = 0; i < 10; i++) {
		unsigned b = tr_u8(r);

		if (r->bad) return 0;
		if (i == 9 && b > 1) { r->bad = 1; return 0; }
		v |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80)) return v;
	}
	r->bad = 1;
	return 0;
}

static inline int64_t tr_svar(struct tr *r)
{
	uint64_t z = tr_var(r);

	return (int64_t)((z >> 1) ^ (~(z & 1) + 1));
}

/* --- canonical rendering (§9) --- */
static inline void cat(char *out, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#include <stdarg.h>
static inline void cat(char *out, size_t cap, const char *fmt, ...)
{
	size_t l = strlen(out);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out + l, cap - l, fmt, ap);
	va_end(ap);
}

static inline void quote(char *out, size_t cap, const uint8_t *s, size_t n)
{
	cat(out, cap, "\"");
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\') cat(out, cap, "\\\\");
		else if (s[i] == '"') cat(out, cap, "\\\"");
		else if (s[i] >= 0x20 && s[i] <= 0x7e) cat(out, cap, "%c", s[i]);
		else cat(out, cap, "\\x%02x", s[i]);
	}
	cat(out, cap, "\"");
}

static const char *const tnames[] = { "?", "s8", "u8", "s16", "u16", "s32",
	"u32", "s64", "u64", "uptr", "charp" };

/* value after its tag; returns 0 when malformed */
static inline int rvalue(struct tr *r, unsigned tag, char *out, size_t cap)
{
	static const int64_t smin[] = { 0, -128, 0, -32768, 0, -2147483647 - 1 };
	static const int64_t smax[] = { 0, 127, 0, 32767, 0, 2147483647 };
	static const uint64_t umax[] = { 0, 0, 255, 0, 65535, 0, 4294967295u };

	if (tag < 1 || tag > 10)
		return 0;
	cat(out, cap, "%s:", tnames[tag]);
	if (tag == 10) {
		uint64_t n = tr_var(r);

		if (r->bad || n > 4096 || n > r->n - r->off) return 0;
		quote(out, cap, r->p + r->off, (size_t)n);
		r->off += (size_t)n;
	} else if (tag == 1 || tag == 3 || tag == 5 || tag == 7) {
		int64_t s = tr_svar(r);

		if (tag != 7 && (s < smin[tag] || s > smax[tag])) return 0;
		cat(out, cap, "%lld", (long long)s);
	} else {
		uint64_t u = tr_var(r);

		if (tag <= 6 && u > umax[tag]) return 0;
		cat(out, cap, "%llu", (unsigned long long)u);
	}
	return !r->bad;
}

/* Renders one payload. to_guest: requests; else answers and events. */
static inline void render(int to_guest, const uint8_t *p, size_t n, char *out, size_t cap)
{
	struct tr r = { p, n, 3, 0 };
	unsigned type = p[0], rid = p[1] | p[2] << 8;
	int ok = 1;

	out[0] = 0;
#define MAL() do { ok = 0; goto done; } while (0)
	if (to_guest) {
		switch (type) {
		case 1: {
			unsigned a = tr_u8(&r), b = tr_u8(&r);
			uint64_t mp = tr_var(&r);

			if (mp < 512 || mp > 65535) MAL();
			cat(out, cap, "HELLO rid=%u min=%u max=%u max_payload=%llu", rid, a, b, (unsigned long long)mp);
			break;
		}
		case 2: {
			unsigned s = tr_u8(&r);

			if (s > 2) MAL();
			cat(out, cap, "LIST rid=%u scope=%u", rid, s);
			if (s >= 1) cat(out, cap, " lib=%llu", (unsigned long long)tr_var(&r));
			if (s == 2) cat(out, cap, " obj=%llu", (unsigned long long)tr_var(&r));
			cat(out, cap, " start=%llu", (unsigned long long)tr_var(&r));
			break;
		}
		case 3: {
			uint64_t c = tr_var(&r);

			if (c < 1 || c > 1024) MAL();
			cat(out, cap, "GET rid=%u count=%llu", rid, (unsigned long long)c);
			for (uint64_t i = 0; i < c && !r.bad; i++) {
				uint64_t a = tr_var(&r), b = tr_var(&r), e = tr_var(&r);
				cat(out, cap, " ref=%llu,%llu,%llu", (unsigned long long)a, (unsigned long long)b, (unsigned long long)e);
			}
			break;
		}
		case 4: {
			uint64_t a = tr_var(&r), b = tr_var(&r), e = tr_var(&r);

			cat(out, cap, "SET rid=%u ref=%llu,%llu,%llu value=", rid, (unsigned long long)a, (unsigned long long)b, (unsigned long long)e);
			if (!rvalue(&r, tr_u8(&r), out, cap)) MAL();
			break;
		}
		case 5:
			cat(out, cap, "WATCH rid=%u flags=%llu", rid, (unsigned long long)tr_var(&r));
			break;
		case 6:
			cat(out, cap, "PING rid=%u", rid);
			break;
		default:
			cat(out, cap, "unknown type=0x%02x rid=%u", type, rid);
			return;
		}
	} else {
		static const char *const an[] = { 0, "HELLO_ANSWER", "LIST_ANSWER", "GET_ANSWER", "SET_ANSWER", "WATCH_ANSWER", "PING_ANSWER" };
		uint64_t st;

		if (type == 0x40) {
			unsigned k = tr_u8(&r);
			uint64_t l = tr_var(&r), o = tr_var(&r), g = tr_var(&r);
			unsigned nl = tr_u8(&r);

			if (rid != 0 || (k != 1 && k != 2) || nl == 0 || nl > n - r.off) MAL();
			cat(out, cap, "EVENT rid=0 kind=%s lib=%llu obj=%llu generation=%llu name=", k == 1 ? "created" : "released",
			    (unsigned long long)l, (unsigned long long)o, (unsigned long long)g);
			quote(out, cap, p + r.off, nl);
			r.off += nl;
			goto done;
		}
		if (type < 0x81 || type > 0x86) {
			cat(out, cap, "unknown type=0x%02x rid=%u", type, rid);
			return;
		}
		st = tr_var(&r);
		cat(out, cap, "%s rid=%u status=%llu", an[type - 0x80], rid, (unsigned long long)st);
		if (st != 0 || r.bad)
			goto done;
		switch (type) {
		case 0x81: {
			unsigned v = tr_u8(&r);
			uint64_t mp = tr_var(&r), mb = tr_var(&r), ms = tr_var(&r), g;
			unsigned nl;

			cat(out, cap, " version=%u max_payload=%llu max_batch=%llu max_string=%llu boot=", v,
			    (unsigned long long)mp, (unsigned long long)mb, (unsigned long long)ms);
			if (r.bad || r.n - r.off < 8) MAL();
			for (int i = 0; i < 8; i++) cat(out, cap, "%02x", p[r.off + i]);
			r.off += 8;
			g = tr_var(&r);
			nl = tr_u8(&r);
			if (r.bad || nl > n - r.off) MAL();
			cat(out, cap, " generation=%llu name=", (unsigned long long)g);
			quote(out, cap, p + r.off, nl);
			r.off += nl;
			break;
		}
		case 0x82: {
			uint64_t g = tr_var(&r), t = tr_var(&r), c = tr_var(&r);
			static const char *const kn[] = { 0, "library", "object", "entry" };

			if (c > t || t > 65535) MAL();
			cat(out, cap, " generation=%llu total=%llu count=%llu", (unsigned long long)g, (unsigned long long)t, (unsigned long long)c);
			for (uint64_t i = 0; i < c && !r.bad; i++) {
				unsigned k = tr_u8(&r), ti = 0, nl;
				uint64_t id = tr_var(&r);

				if (k < 1 || k > 3) MAL();
				cat(out, cap, " child=%s,%llu,", kn[k], (unsigned long long)id);
				if (k == 3) {
					ti = tr_u8(&r);
					if ((ti & 15) < 1 || (ti & 15) > 10 || (ti & 0xc0)) MAL();
					cat(out, cap, "%s,%c%c,", tnames[ti & 15], ti & 0x10 ? 'r' : '-', ti & 0x20 ? 'w' : '-');
				}
				nl = tr_u8(&r);
				if (r.bad || nl == 0 || nl > n - r.off) MAL();
				quote(out, cap, p + r.off, nl);
				r.off += nl;
			}
			break;
		}
		case 0x83: {
			uint64_t c = tr_var(&r);

			cat(out, cap, " count=%llu", (unsigned long long)c);
			for (uint64_t i = 0; i < c && !r.bad; i++) {
				unsigned tag = tr_u8(&r);

				if (r.bad) MAL();
				if (tag == 0) {
					cat(out, cap, " error=%llu", (unsigned long long)tr_var(&r));
				} else {
					cat(out, cap, " value=");
					if (!rvalue(&r, tag, out, cap)) MAL();
				}
			}
			break;
		}
		case 0x85: case 0x86:
			cat(out, cap, " generation=%llu", (unsigned long long)tr_var(&r));
			break;
		}
	}
done:
	if (!ok || r.bad || r.off != r.n) {
		out[0] = 0;
		cat(out, cap, "malformed type=0x%02x rid=%u", type, rid);
	}
#undef MAL
}

/* --- receiver (§2.3) over a complete stream; the stream's end counts as
 * the inter-byte timeout for a begun frame. Calls fn for each payload. */
static inline uint8_t t_crc8(const uint8_t *p, size_t n)
{
	unsigned c = 0;

	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int b = 0; b < 8; b++) c = (c & 0x80) ? ((c << 1) ^ 7) & 0xff : (c << 1) & 0xff;
	}
	return (uint8_t)c;
}

static inline uint16_t t_crc16(const uint8_t *p, size_t n)
{
	unsigned c = 0xffff;

	for (size_t i = 0; i < n; i++) {
		c ^= (unsigned)p[i] << 8;
		for (int b = 0; b < 8; b++) c = (c & 0x8000) ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
	}
	return (uint16_t)c;
}

static inline int receive(const uint8_t *s, size_t n, unsigned max,
		   void (*fn)(void *, const uint8_t *, size_t), void *ctx)
{
	size_t i = 0;
	int frames = 0;

	while (i < n) {
		size_t len;

		if (s[i] != 0x55 || (i + 1 < n && s[i + 1] != 0x4b)) { i++; continue; }
		if (n - i < 5) break;
		len = s[i + 2] | s[i + 3] << 8;
		if (t_crc8(s + i + 2, 2) != s[i + 4] || len < 3 || len > max) { i++; continue; }
		if (n - i < len + 7) { i++; continue; } /* stale at stream end */
		if (t_crc16(s + i + 2, len + 3) != (s[i + 5 + len] | s[i + 6 + len] << 8)) { i++; continue; }
		fn(ctx, s + i + 5, len);
		frames++;
		i += len + 7;
	}
	return frames;
}

#endif
