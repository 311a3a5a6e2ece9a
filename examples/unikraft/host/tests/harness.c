/* The unit tests' harness: counting checks, and one agent under test whose
 * transport captures what it writes. */
#include "harness.h"

#include <stdio.h>
#include <string.h>

#include "vectors.h"

/* --- framework ------------------------------------------------------------ */
int passed, failed, cur_fail;
void run(const char *name, void (*fn)(void))
{
	cur_fail = 0;
	fn();
	if (cur_fail) {
		failed++;
		fprintf(stderr, "not ok: %s\n", name);
	} else {
		passed++;
	}
}

/* --- the agent under test, with a capturing transport --------------------- */
struct ua_agent A;
uint8_t out[1 << 20];
size_t out_n;
uint64_t now = 1000000;

static int cap_write(void *ctx, const uint8_t *b, size_t n)
{
	(void)ctx;
	if (n > sizeof(out) - out_n)
		return -1;
	memcpy(out + out_n, b, n);
	out_n += n;
	return 0;
}
static long cap_read(void *ctx, uint8_t *b, size_t n, unsigned w)
{
	(void)ctx; (void)b; (void)n; (void)w;
	return -1;
}
const struct ua_io cap_io = { NULL, cap_read, cap_write };
const uint8_t boot[8] = { 0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77 };

/* Answers captured since the last call, as payloads. */
struct answer ans[MAXP];
int nans;
static void collect(void *ctx, const uint8_t *p, size_t n)
{
	(void)ctx;
	if (nans < MAXP && n <= sizeof(ans[0].p)) {
		memcpy(ans[nans].p, p, n);
		ans[nans++].n = n;
	}
}
int take_answers(void)
{
	nans = 0;
	receive(out, out_n, 65535, collect, NULL);
	out_n = 0;
	return nans;
}

size_t frame(uint8_t *buf, uint8_t type, uint16_t rid, const uint8_t *body, size_t n)
{
	buf[5] = type;
	buf[6] = (uint8_t)rid;
	buf[7] = (uint8_t)(rid >> 8);
	if (n)
		memcpy(buf + 8, body, n);
	return ua_frame_seal(buf, n + 3);
}

/* Sends one request; returns the number of frames that came back. */
int req(uint8_t type, uint16_t rid, const uint8_t *body, size_t n)
{
	static uint8_t buf[70000];
	size_t len = frame(buf, type, rid, body, n);

	ua_agent_input(&A, buf, len, now);
	ua_agent_poll(&A, now);
	return take_answers();
}

void fresh_link(uint16_t peer_max)
{
	uint8_t b[8] = { 1, 1 };
	struct ua_wr w;

	ua_agent_new_link(&A);
	out_n = 0;
	ua_wr_init(&w, b + 2, 6);
	ua_wr_varint(&w, peer_max);
	req(UA_T_HELLO, 1, b, 2 + w.off);
}

/* A body builder */
uint8_t bb[70000];
struct ua_wr bw;
void body(void) { ua_wr_init(&bw, bb, sizeof(bb)); }
void v(uint64_t x) { ua_wr_varint(&bw, x); }
void u8(uint8_t x) { ua_wr_u8(&bw, x); }

void render_ans(int i, char *s, size_t cap) { render(0, ans[i].p, ans[i].n, s, cap); }

int set_u8(uint16_t rid, unsigned lib, unsigned entry, uint8_t val)
{
	struct tr r;

	body(); v(lib); v(0); v(entry); u8(UA_TY_U8); v(val);
	req(UA_T_SET, rid, bb, bw.off);
	r = (struct tr){ ans[nans - 1].p, ans[nans - 1].n, 3, 0 };
	return (int)tr_var(&r);
}

