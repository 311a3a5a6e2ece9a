/* The pacer (lib/ukstoreagent/pace.c) driven with a clock of the tests' own:
 * what the UART transport would do at each moment of an idle line, a
 * request, and a shell loop of `cat`s that starts, wavers and stops. */
#include "harness.h"
#include "pace.h"
#include "tests.h"

#define US 1000ull
#define MS 1000000ull

/* The defaults of Config.uk: hot 300 us, rhythm up to 20 ms, poll at most
 * 700 us per anticipated request, margin 150 us. */
static struct ua_pace P;
static uint64_t t;      /* the tests' clock, in ns */
static uint64_t polled; /* ns spent polling, as request_after went */

static void fresh(void)
{
	ua_pace_init(&P, 300 * US, 20 * MS, 700 * US, 150 * US);
	t = 1000 * MS;
}

static enum ua_pace_action next_at(uint64_t when, uint64_t *until)
{
	uint64_t u = 0;
	enum ua_pace_action a = ua_pace_next(&P, when, &u);

	if (until)
		*until = u;
	return a;
}

/* A request arrives at t (its bytes seen by a poll, or right after a halt)
 * and is answered 100 us later; t moves to the answer's end. */
static void request(int after_halt)
{
	ua_pace_received(&P, t, after_halt);
	t += 100 * US;
	ua_pace_sent(&P, t);
}

/* A request `gap` after the last answer; the transport polls or halts as
 * told until then. Returns how many of those steps halted. */
static int request_after(uint64_t gap)
{
	uint64_t arrival = t + gap, until;
	int halted = 0, after_halt = 0;

	for (int steps = 0; steps < 100000; steps++) {
		enum ua_pace_action a = next_at(t, &until);

		if (a == UA_PACE_POLL) {
			t += 5 * US; /* a look at the UART and a yield */
			polled += 5 * US;
			after_halt = 0;
		} else if (a == UA_PACE_SLEEP) {
			halted++;
			if (until >= arrival) { /* the interrupt ends the halt */
				t = arrival + 30 * US;
				after_halt = 1;
				break;
			}
			t = until;
			ua_pace_woke(&P, t);
			after_halt = 0;
		} else { /* WAIT: the interrupt, or a 16 ms timeout */
			halted++;
			if (t + 16 * MS >= arrival) {
				t = arrival + 30 * US;
				after_halt = 1;
				break;
			}
			t += 16 * MS;
			after_halt = 1;
		}
		if (t >= arrival)
			break;
	}
	request(after_halt);
	return halted;
}

static void test_idle_never_polls(void)
{
	uint64_t until;

	fresh();
	CHECK(next_at(t, &until) == UA_PACE_WAIT, "before any traffic: the interrupt");
	request(1);
	CHECK(next_at(t + 100 * US, NULL) == UA_PACE_POLL, "a follow-up is polled for");
	CHECK(next_at(t + 300 * US, NULL) == UA_PACE_WAIT, "then the interrupt");
	CHECK(next_at(t + 5000 * MS, NULL) == UA_PACE_WAIT, "and it stays so");
	CHECK(P.anticipated == 0 && P.missed == 0, "no rhythm counted");
}

static void test_rest_of_request(void)
{
	fresh();
	ua_pace_received(&P, t, 1); /* the first 14 bytes of a request */
	CHECK(next_at(t + 10 * US, NULL) == UA_PACE_POLL, "the rest is polled for");
	CHECK(next_at(t + 299 * US, NULL) == UA_PACE_POLL, "for the hot window");
	CHECK(next_at(t + 300 * US, NULL) == UA_PACE_WAIT, "then the interrupt");
}

static void test_loop_of_cats(void)
{
	int halted = 0;

	fresh();
	request(1);
	/* a shell loop: an answer-to-request gap of 1.2 ms, give or take 50 us */
	for (int i = 0; i < 200; i++)
		halted += request_after((i % 3 ? 1150 : 1250) * US);
	CHECK(P.anticipated >= 195, "requests met by polling: %llu of 200 (early %llu, missed %llu)",
	      (unsigned long long)P.anticipated, (unsigned long long)P.early,
	      (unsigned long long)P.missed);
	CHECK(P.missed == 0, "missed %llu", (unsigned long long)P.missed);
	CHECK(halted >= 190, "the vCPU halts between requests: %d halts", halted);
}

static void test_poll_is_bounded(void)
{
	uint64_t until, polled = 0;

	fresh();
	request(1);
	request_after(1 * MS);
	request_after(1 * MS);
	/* In rhythm: halted until shortly before 1 ms after the answer. */
	CHECK(next_at(t, &until) == UA_PACE_SLEEP, "halts after an answer");
	CHECK(until > t + 600 * US && until < t + 1 * MS, "wakes shortly before: %llu us",
	      (unsigned long long)((until - t) / US));
	/* No request comes: polling stops within the bound and forgets. */
	for (uint64_t now = until; now < until + 10 * MS; now += 5 * US) {
		enum ua_pace_action a = next_at(now, NULL);

		if (a == UA_PACE_WAIT)
			break;
		CHECK(a == UA_PACE_POLL, "polls after the wake-up");
		polled += 5 * US;
	}
	CHECK(polled <= 700 * US, "polled %llu us", (unsigned long long)(polled / US));
	CHECK(P.missed == 1, "a miss is counted");
	CHECK(next_at(t + 20 * MS, NULL) == UA_PACE_WAIT, "then it waits for the interrupt");
	CHECK(next_at(t + 10000 * MS, NULL) == UA_PACE_WAIT, "and polls no more");
	CHECK(P.missed == 1, "once: %llu", (unsigned long long)P.missed);
	request_after(30 * MS); /* the next request, long after */
	CHECK(next_at(t + 300 * US, NULL) == UA_PACE_WAIT, "no rhythm from one gap");
}

static void test_miss_keeps_rhythm(void)
{
	uint64_t anticipated;

	fresh();
	request(1);
	request_after(1 * MS);
	request_after(1 * MS);
	request_after(3 * MS); /* one slow cat: the interrupt takes it */
	CHECK(P.missed == 1, "missed %llu", (unsigned long long)P.missed);
	anticipated = P.anticipated;
	request_after(1 * MS); /* the loop goes on: still met by polling */
	CHECK(P.anticipated == anticipated + 1, "anticipated %llu after a miss",
	      (unsigned long long)P.anticipated);
}

static void test_uneven_loop_not_polled(void)
{
	static const unsigned gaps_us[] = {1000, 5200, 2600, 7100, 1300, 4400, 3300, 6100, 1900, 2300};

	fresh();
	request(1);
	polled = 0;
	for (int i = 0; i < 200; i++)
		request_after(gaps_us[i % 10] * US);
	CHECK(polled < 200 * 50 * US, "polled %llu us for 200 requests (met %llu, missed %llu)",
	      (unsigned long long)(polled / US), (unsigned long long)P.anticipated,
	      (unsigned long long)P.missed);
	CHECK(P.missed < 10, "missed %llu", (unsigned long long)P.missed);
	/* once the loop steadies, it is polled for again */
	for (int i = 0; i < 30; i++)
		request_after(1200 * US);
	uint64_t met = P.anticipated;

	for (int i = 0; i < 20; i++)
		request_after(1200 * US);
	CHECK(P.anticipated >= met + 19, "met %llu of 20 once steady", (unsigned long long)(P.anticipated - met));
}

static void test_long_gaps_not_anticipated(void)
{
	fresh();
	request(1);
	for (int i = 0; i < 5; i++)
		request_after(50 * MS); /* beyond the 20 ms horizon */
	CHECK(next_at(t + 300 * US, NULL) == UA_PACE_WAIT, "gaps beyond the horizon: the interrupt");
	CHECK(P.anticipated == 0, "none anticipated");
}

static void test_wavering_rhythm_bounded(void)
{
	uint64_t until;

	fresh();
	request(1);
	request_after(1 * MS);
	request_after(5 * MS); /* one slow cat among fast ones */
	CHECK(next_at(t, &until) == UA_PACE_SLEEP, "halts first");
	/* polling starts before the shortest gap and lasts 700 us at most */
	uint64_t from = until, polled = 0;

	for (uint64_t now = from; now < from + 10 * MS; now += 5 * US) {
		if (next_at(now, NULL) != UA_PACE_POLL)
			break;
		polled += 5 * US;
	}
	CHECK(polled <= 700 * US && polled >= 600 * US, "polled %llu us",
	      (unsigned long long)(polled / US));
}

static void test_timer_lateness_learned(void)
{
	uint64_t until, first;

	fresh();
	request(1);
	request_after(2 * MS);
	request_after(2 * MS);
	CHECK(next_at(t, &until) == UA_PACE_SLEEP, "halts");
	first = until - t;
	/* the timer wakes the guest 200 us late, again and again */
	for (int i = 0; i < 20; i++) {
		CHECK(next_at(t, &until) == UA_PACE_SLEEP, "halts (%d)", i);
		ua_pace_woke(&P, until + 200 * US);
		/* the request comes 2 ms after the answer, seen by polling */
		t = until + 200 * US > P.last_tx_ns + 2 * MS ? until + 200 * US : P.last_tx_ns + 2 * MS;
		request(0);
	}
	CHECK(next_at(t, &until) == UA_PACE_SLEEP, "halts");
	CHECK(until - t + 150 * US <= first, "wakes earlier once late wake-ups are seen: %llu then %llu us",
	      (unsigned long long)(first / US), (unsigned long long)((until - t) / US));
}

static void test_early_request_counted(void)
{
	fresh();
	request(1);
	request_after(2 * MS);
	request_after(2 * MS);
	/* the loop speeds up: the next request comes while halted */
	request_after(500 * US);
	CHECK(P.early == 1, "early %llu", (unsigned long long)P.early);
	/* and the rhythm follows: the next one at 500 us is polled for */
	uint64_t anticipated = P.anticipated;

	request_after(500 * US);
	CHECK(P.anticipated == anticipated + 1, "anticipated %llu", (unsigned long long)P.anticipated);
}

void pace_tests(void)
{
	run("pace: an idle line never polls", test_idle_never_polls);
	run("pace: the rest of a request is polled for", test_rest_of_request);
	run("pace: a loop of cats is met awake, halted between", test_loop_of_cats);
	run("pace: a loop that stops costs one bounded poll", test_poll_is_bounded);
	run("pace: a slow request among fast ones keeps the rhythm", test_miss_keeps_rhythm);
	run("pace: an uneven loop is not polled for, a steady one again", test_uneven_loop_not_polled);
	run("pace: gaps beyond the horizon are not anticipated", test_long_gaps_not_anticipated);
	run("pace: a wavering rhythm polls within the bound", test_wavering_rhythm_bounded);
	run("pace: late timer wake-ups make it wake earlier", test_timer_lateness_learned);
	run("pace: an early request is counted and followed", test_early_request_counted);
}
