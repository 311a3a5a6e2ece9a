/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * When the agent's thread polls its UART and when it lets the vCPU halt.
 * Pure arithmetic on nanosecond timestamps, with no Unikraft dependency, so
 * that the host build's unit tests drive it with a clock of their own;
 * transport_uart.c feeds it what happens on the line and does what it says.
 *
 * Under QEMU TCG, a request that finds the agent polling is read at once,
 * but polling keeps a host CPU busy; one that finds the vCPU halted waits
 * for the host to wake QEMU's threads and the guest to take the UART's
 * interrupt (0.2-0.5 ms on the project's machine). A shell loop of `cat`s
 * sends a request every 1-3 ms, too far apart for a fixed hot window to
 * bridge without polling all the time. So the pacer learns the rhythm:
 *
 * - after received bytes, it polls for `hot_ns` (the rest of a request);
 * - after an answer, with no rhythm known, it polls for `hot_ns` too (a
 *   host's follow-up request, e.g. the next LIST page), then waits for the
 *   interrupt;
 * - once the last answer-to-request gaps were all within `horizon_ns`, it
 *   lets the vCPU halt (interrupt armed) until shortly before the shortest
 *   of them is over, and polls from then until the longest is over plus a
 *   margin, at most `spin_max_ns`. "Shortly before" is how late the timer
 *   wake-ups have been lately, plus the margin: the pacer measures it;
 * - a request that arrives while the vCPU is halted anyway counts as an
 *   early one (the rhythm sped up); one that does not come while polling
 *   as a miss: the interrupt takes it, and its gap joins the rhythm (a
 *   loop on a busy host wavers) unless it is beyond `horizon_ns`, which
 *   ends the rhythm until two gaps have been seen again. An idle guest
 *   thus polls once, at most `spin_max_ns`, then never;
 * - a rhythm too uneven to predict (on a busy host a shell loop's gaps
 *   spread from 1 to 7 ms) is not polled for: the pacer keeps checking
 *   whether each request came within the window it would have polled, and
 *   polls only while at least 4 of the last 8 did. Meanwhile it polls after
 *   an answer only if recent follow-ups came within `hot_ns`.
 */
#ifndef UKSTOREAGENT_PACE_H
#define UKSTOREAGENT_PACE_H

#include <stdint.h>

#define UA_PACE_GAPS 4 /* answer-to-request gaps remembered */

enum ua_pace_action {
	UA_PACE_POLL,  /* look at the UART again now (only yield) */
	UA_PACE_SLEEP, /* halt until `until`; the interrupt may end it early */
	UA_PACE_WAIT,  /* nothing expected: wait for the interrupt (or a timeout) */
};

struct ua_pace {
	/* settings, fixed at init */
	uint64_t hot_ns;      /* polling after received bytes or an answer */
	uint64_t horizon_ns;  /* longest gap worth anticipating */
	uint64_t spin_max_ns; /* longest anticipating poll per request */
	uint64_t margin_ns;   /* polled on each side of the expected arrival */
	/* the line */
	uint64_t last_rx_ns;  /* last byte received */
	uint64_t last_tx_ns;  /* end of the last answer */
	int answered;         /* an answer went out after the last byte in */
	/* the rhythm: gaps from an answer's end to the next request */
	uint64_t gaps[UA_PACE_GAPS];
	unsigned ngaps, next_gap;
	uint64_t wake_late_ns; /* how late timed wake-ups are, smoothed */
	uint64_t sleep_until;  /* the timed wake-up planned, 0 if none */
	uint64_t spin_from;    /* when the current anticipating poll began */
	int missed_this_gap;   /* this gap's anticipating poll saw nothing */
	uint8_t hits;          /* last 8 requests: 1 if it came within the poll
				* window (the one polled, or that would have been) */
	/* counters, for the agent's statistics and the tests */
	uint64_t anticipated; /* requests met by an anticipating poll */
	uint64_t early;       /* requests that came while halted in rhythm */
	uint64_t missed;      /* anticipating polls that saw no request */
};

void ua_pace_init(struct ua_pace *p, uint64_t hot_ns, uint64_t horizon_ns,
		  uint64_t spin_max_ns, uint64_t margin_ns);
/* Bytes came in at `now`. `after_halt`: the first look at the UART after
 * the vCPU was halted (they may have waited a little already). */
void ua_pace_received(struct ua_pace *p, uint64_t now, int after_halt);
/* An answer (or event) went out, ending at `now`. */
void ua_pace_sent(struct ua_pace *p, uint64_t now);
/* The UART had nothing at `now`: what to do next (*until for SLEEP). */
enum ua_pace_action ua_pace_next(struct ua_pace *p, uint64_t now,
				 uint64_t *until);
/* A SLEEP ended at `now` without bytes: feeds the timer's lateness. */
void ua_pace_woke(struct ua_pace *p, uint64_t now);

/* The line's pacer, whose counters the agent's statistics show (stats.c);
 * none in the host build. Set once, before the agent serves. */
void ua_pace_publish(const struct ua_pace *p);
/* Its counters (all zero without a published pacer). Read from any thread
 * as they are: each is one aligned 64-bit word written by the agent's. */
void ua_pace_counters(uint64_t *anticipated, uint64_t *early,
		      uint64_t *missed);

#endif /* UKSTOREAGENT_PACE_H */
