/*
 * libFuzzer harness: drives the agent's frame receiver and dispatcher (over
 * the ukstore double) with arbitrary byte streams, split into reads at
 * fuzzer-chosen points with time passing between them, so that hunting,
 * resynchronisation, the inter-byte timeout and every request handler run.
 * Every frame the agent writes must be well-formed and within the host's
 * max payload; any crash, sanitizer report or bad frame is a finding.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "catalog.h"
#include "sim.h"
#include "wire.h"

static struct ua_agent A;

static int check_write(void *ctx, const uint8_t *b, size_t n)
{
	size_t len;

	(void)ctx;
	/* the agent writes whole frames, one per call */
	if (n < 10 || b[0] != UA_MAGIC0 || b[1] != UA_MAGIC1)
		abort();
	len = (size_t)b[2] | ((size_t)b[3] << 8);
	if (len + UA_FRAME_OVERHEAD != n || len > A.answer_max || len < 4 ||
	    ua_crc8(b + 2, 2) != b[4] ||
	    ua_crc16(b + 2, 3 + len) != (uint16_t)(b[5 + len] | b[6 + len] << 8))
		abort();
	if (!(b[5] & 0x80) && b[5] != UA_T_EVENT)
		abort(); /* only answers and events */
	return 0;
}

static long no_read(void *ctx, uint8_t *b, size_t n, unsigned w)
{
	(void)ctx; (void)b; (void)n; (void)w;
	return -1;
}

static const struct ua_io io = { NULL, no_read, check_write };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static uint64_t now = 1;
	size_t off = 0;

	if (!ready) {
		static const uint8_t boot[8];

		dbl_sim_init();
		ua_catalog_start();
		ua_agent_init(&A, &io, "fuzz", boot);
		ready = 1;
	}
	ua_agent_new_link(&A);
	if (size && data[0] == 0xA5) {
		/* Framed mode: random CRCs almost never pass, so here the
		 * harness seals each (length byte, payload) into a good frame
		 * and the dispatcher sees arbitrary payloads. */
		static uint8_t fr[300];

		off = 1;
		while (off < size) {
			size_t n = data[off++];

			if (n > size - off)
				n = size - off;
			if (n < UA_MSG_HEADER)
				break;
			memcpy(fr + 5, data + off, n);
			ua_agent_input(&A, fr, ua_frame_seal(fr, n), now);
			off += n;
		}
		ua_agent_poll(&A, now);
		return 0;
	}
	/* The first byte picks the chunking; each chunk's length byte also
	 * says how long the line was quiet before it. */
	while (off < size) {
		size_t n = data[off] % 64 + 1;
		unsigned quiet = data[off] >> 6; /* 0..3: 0, 100, 200, 300 ms */

		off++;
		if (n > size - off)
			n = size - off;
		now += quiet * 100;
		ua_agent_poll(&A, now);
		ua_agent_input(&A, data + off, n, now);
		off += n;
	}
	now += 1000;
	ua_agent_poll(&A, now);
	if (A.tail - A.head > sizeof(A.rx))
		abort();
	return 0;
}
