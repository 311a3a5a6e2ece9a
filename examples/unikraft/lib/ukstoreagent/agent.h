/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The protocol core: frame receiver (docs/protocol.md §2.3), dispatcher and
 * encoder. It knows neither the transport (read/write callbacks) nor the
 * ukstore API (catalog.h), and allocates nothing: every buffer is in
 * struct ua_agent, whose size is fixed by config.h.
 */
#ifndef UKSTOREAGENT_AGENT_H
#define UKSTOREAGENT_AGENT_H

#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "config.h"
#include "wire.h"

struct ua_io {
	void *ctx;
	/* Reads up to len bytes, waiting at most about wait_ms for the first.
	 * Returns the count (> 0), 0 when nothing came, < 0 when the link is
	 * gone (a socket closed; a serial port never says so). */
	long (*read)(void *ctx, uint8_t *buf, size_t len, unsigned wait_ms);
	/* Writes all len bytes. Returns 0, or < 0 when the link is gone. */
	int (*write)(void *ctx, const uint8_t *buf, size_t len);
};

struct ua_agent_stats {
	uint64_t frames;    /* good frames handled */
	uint64_t discarded; /* bytes dropped while hunting or resynchronising */
	uint64_t timeouts;  /* stale partial frames dropped (inter-byte timeout) */
	uint64_t malformed; /* EPROTO answers */
};

struct ua_agent {
	const struct ua_io *io;
	int link_gone;
	const char *name;
	uint8_t boot_id[8];
	uint16_t rx_max;      /* largest payload we accept (≤ UA_MAX_PAYLOAD) */
	/* negotiated by HELLO */
	uint16_t answer_max;  /* largest payload we send: min(host's, ours) */
	uint16_t max_batch;
	uint16_t max_string;
	/* receiver: bytes rx[head .. tail) are buffered */
	size_t head, tail;
	uint64_t last_rx_ms;
	struct ua_agent_stats stats;
	uint8_t rx[UA_MAX_PAYLOAD + UA_FRAME_OVERHEAD];
	uint8_t tx[UA_MAX_PAYLOAD + UA_FRAME_OVERHEAD];
	uint8_t ev[UA_FRAME_OVERHEAD + UA_MSG_HEADER + 1 + 3 * 10 + 1 +
		   UA_NAME_MAX];
	uint8_t in[256];
	char str[UA_MAX_STRING + 1]; /* a charp SET value, NUL-terminated */
};

/* name: the instance name sent in HELLO (≤ 255 bytes, may be ""). */
void ua_agent_init(struct ua_agent *a, const struct ua_io *io,
		   const char *name, const uint8_t boot_id[8]);

/* The counters of the agent initialised last (zero before any), for
 * uk_storeagent_stats(); any thread may call it. */
void ua_agent_stats(struct ua_agent_stats *st);

/* A new peer on a connection-oriented link: forget buffered bytes, the
 * negotiated sizes and the subscription; the store state stays. */
void ua_agent_new_link(struct ua_agent *a);

/* Feeds received bytes; answers go out through io->write at once. */
void ua_agent_input(struct ua_agent *a, const uint8_t *p, size_t n,
		    uint64_t now_ms);

/* Housekeeping between reads: drops a stale partial frame after the
 * inter-byte timeout and sends queued events. */
void ua_agent_poll(struct ua_agent *a, uint64_t now_ms);

/* Serves until the link is gone (returns < 0) or *stop becomes non-zero
 * (returns 0). wait_ms bounds one read, hence how late events can be. */
int ua_agent_serve(struct ua_agent *a, unsigned wait_ms,
		   volatile const int *stop);

/* Encoders the dispatcher uses, public so that tests can hold them against
 * the to-host vectors. They write message bodies through a cursor. */
void ua_enc_hello_answer(struct ua_wr *w, uint16_t max_payload,
			 uint16_t max_batch, uint16_t max_string,
			 const uint8_t boot_id[8], uint64_t generation,
			 const char *name, size_t name_len);
void ua_enc_child(struct ua_wr *w, const struct ua_child *c);
void ua_enc_event(struct ua_wr *w, const struct ua_event *ev);
void ua_enc_value(struct ua_wr *w, const struct ua_value *v);

#endif /* UKSTOREAGENT_AGENT_H */
