/* The unit tests' harness (harness.c): checks that count, one agent under
 * test over the ukstore double, requests built and sent to it, and its
 * answers captured as payloads. */
#ifndef TEST_HARNESS_H
#define TEST_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "agent.h"
#include "wire.h"

extern int passed, failed, cur_fail;
#define CHECK(c, ...) do { if (!(c)) { cur_fail = 1; \
	fprintf(stderr, "  FAIL %s:%d: ", __FILE__, __LINE__); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)
/* Runs one test case; it passes when no CHECK failed. */
void run(const char *name, void (*fn)(void));

extern struct ua_agent A;
extern const struct ua_io cap_io;
extern const uint8_t boot[8];
/* What the agent wrote since the last take_answers() */
extern uint8_t out[1 << 20];
extern size_t out_n;
/* The clock the tests feed the agent, in ms */
extern uint64_t now;

#define MAXP 1024
struct answer {
	uint8_t p[20000];
	size_t n;
};
extern struct answer ans[MAXP];
extern int nans;
/* Moves what the agent wrote into ans[0 … nans-1]; returns nans. */
int take_answers(void);
/* Seals a frame of one message into buf; returns its length. */
size_t frame(uint8_t *buf, uint8_t type, uint16_t rid, const uint8_t *body,
	     size_t n);
/* Sends one request; returns the number of frames that came back. */
int req(uint8_t type, uint16_t rid, const uint8_t *body, size_t n);
/* A new host that says HELLO with max payload peer_max. */
void fresh_link(uint16_t peer_max);
/* Answer i in the canonical text of §9. */
void render_ans(int i, char *s, size_t cap);

/* A request body: body() starts one in bb, v/u8 append to it (bw.off). */
extern uint8_t bb[70000];
extern struct ua_wr bw;
void body(void);
void v(uint64_t x);
void u8(uint8_t x);

/* SETs u8 static entry (lib, entry); returns the wire status. */
int set_u8(uint16_t rid, unsigned lib, unsigned entry, uint8_t val);

#endif /* TEST_HARNESS_H */
