/* SPDX-License-Identifier: BSD-3-Clause */
/* When to poll the UART and when to halt: see pace.h. */
#include "pace.h"

#include <string.h>

#define UA_PACE_LATE_MAX 1000000ull /* a lateness beyond 1 ms is not the timer's */

#define UA_PACE_HITS_NEEDED 4 /* of the last 8 requests, to poll for the next */

void ua_pace_init(struct ua_pace *p, uint64_t hot_ns, uint64_t horizon_ns,
		  uint64_t spin_max_ns, uint64_t margin_ns)
{
	memset(p, 0, sizeof(*p));
	p->hot_ns = hot_ns;
	p->horizon_ns = horizon_ns;
	p->spin_max_ns = spin_max_ns;
	p->margin_ns = margin_ns;
	p->hits = 0xff; /* a new rhythm is given its chance */
}

static unsigned count_hits(uint8_t hits)
{
	unsigned n = 0;

	for (; hits; hits &= hits - 1)
		n++;
	return n;
}

/* The poll window after an answer, from the remembered gaps, as offsets
 * from the answer's end: from the shortest gap less the lead (how late
 * wake-ups are, plus the margin) to the longest plus the margin, at most
 * spin_max_ns long. Returns 0 without a rhythm. */
static int poll_window(const struct ua_pace *p, uint64_t *from, uint64_t *to,
		       uint64_t *gmin_out)
{
	uint64_t gmin, gmax, lead;
	unsigned i;

	if (p->ngaps < 2)
		return 0;
	gmin = gmax = p->gaps[0];
	for (i = 1; i < p->ngaps; i++) {
		if (p->gaps[i] < gmin)
			gmin = p->gaps[i];
		if (p->gaps[i] > gmax)
			gmax = p->gaps[i];
	}
	lead = p->wake_late_ns + p->margin_ns;
	*from = gmin > lead ? gmin - lead : 0;
	*to = gmax + p->margin_ns;
	if (*to > *from + p->spin_max_ns)
		*to = *from + p->spin_max_ns;
	*gmin_out = gmin;
	return 1;
}

static void forget_rhythm(struct ua_pace *p)
{
	p->ngaps = 0;
	p->next_gap = 0;
	p->spin_from = 0;
	p->hits = 0xff;
}

static void remember_gap(struct ua_pace *p, uint64_t gap)
{
	p->gaps[p->next_gap] = gap;
	p->next_gap = (p->next_gap + 1) % UA_PACE_GAPS;
	if (p->ngaps < UA_PACE_GAPS)
		p->ngaps++;
}

void ua_pace_received(struct ua_pace *p, uint64_t now, int after_halt)
{
	if (p->answered) { /* the first bytes of the host's next request */
		uint64_t gap = now > p->last_tx_ns ? now - p->last_tx_ns : 0;
		uint64_t from, to, gmin;
		int hit;

		if (p->spin_from)
			p->anticipated++;
		else if (p->missed_this_gap)
			; /* counted as missed already */
		else if (p->ngaps >= 2 && after_halt && p->sleep_until)
			p->early++;
		/* Seen only once the vCPU was awake again: it came a little
		 * earlier than that, about as late as wake-ups are. */
		if (after_halt)
			gap = gap > p->wake_late_ns ? gap - p->wake_late_ns : 0;
		if (poll_window(p, &from, &to, &gmin)) {
			hit = p->spin_from || (gap >= from && gap <= to);
			p->hits = (uint8_t)((p->hits << 1) | (hit ? 1 : 0));
		}
		if (p->horizon_ns && gap <= p->horizon_ns)
			remember_gap(p, gap);
		else
			forget_rhythm(p);
	}
	p->answered = 0;
	p->last_rx_ns = now;
	p->sleep_until = 0;
	p->spin_from = 0;
}

void ua_pace_sent(struct ua_pace *p, uint64_t now)
{
	p->last_tx_ns = now;
	p->answered = 1;
	p->missed_this_gap = 0;
	p->sleep_until = 0;
	p->spin_from = 0;
}

enum ua_pace_action ua_pace_next(struct ua_pace *p, uint64_t now,
				 uint64_t *until)
{
	uint64_t gmin, from, to;

	if (!p->answered) /* within a request (or bytes that made none) */
		return now < p->last_rx_ns + p->hot_ns ? UA_PACE_POLL
						       : UA_PACE_WAIT;
	if (!poll_window(p, &from, &to, &gmin)) /* no rhythm: a follow-up
						 * comes at once or never */
		return now < p->last_tx_ns + p->hot_ns ? UA_PACE_POLL
						       : UA_PACE_WAIT;
	if (count_hits(p->hits) < UA_PACE_HITS_NEEDED)
		/* Too uneven to predict: the interrupt, after the hot window
		 * if follow-ups have been coming within it. */
		return gmin < p->hot_ns && now < p->last_tx_ns + p->hot_ns
			       ? UA_PACE_POLL
			       : UA_PACE_WAIT;
	from += p->last_tx_ns;
	to += p->last_tx_ns;
	/* A halt shorter than the margin costs more than polling through it. */
	if (now + p->margin_ns < from) {
		p->sleep_until = from;
		*until = from;
		return UA_PACE_SLEEP;
	}
	if (p->missed_this_gap)
		return UA_PACE_WAIT;
	if (now < to) {
		if (!p->spin_from)
			p->spin_from = now;
		return UA_PACE_POLL;
	}
	/* Nothing came while it was expected: the interrupt takes this one.
	 * The rhythm is kept (a loop on a busy host wavers): the request's gap
	 * joins it, or ends it if it is beyond the horizon. */
	if (!p->missed_this_gap) {
		p->missed_this_gap = 1;
		p->missed++;
	}
	p->spin_from = 0;
	return UA_PACE_WAIT;
}

void ua_pace_woke(struct ua_pace *p, uint64_t now)
{
	if (p->sleep_until && now >= p->sleep_until) {
		uint64_t late = now - p->sleep_until;

		if (late > UA_PACE_LATE_MAX)
			late = UA_PACE_LATE_MAX;
		p->wake_late_ns = (3 * p->wake_late_ns + late) / 4;
	}
	p->sleep_until = 0;
}

static const struct ua_pace *published;

void ua_pace_publish(const struct ua_pace *p)
{
	published = p;
}

void ua_pace_counters(uint64_t *anticipated, uint64_t *early,
		      uint64_t *missed)
{
	const volatile struct ua_pace *p = published;

	*anticipated = p ? p->anticipated : 0;
	*early = p ? p->early : 0;
	*missed = p ? p->missed : 0;
}
