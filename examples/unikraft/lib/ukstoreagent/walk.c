/* SPDX-License-Identifier: BSD-3-Clause */
/* Ordered walks and repeated names; see walk.h. */
#include "walk.h"

#include "names.h"

/* (key, index) of j comes before that of i */
static int before(const struct ua_seq *s, size_t j, size_t i)
{
	uint64_t kj = s->key(s->base, j), ki = s->key(s->base, i);

	return kj < ki || (kj == ki && j < i);
}

/* Candidate i of sequence k, named s[0 … len-1], repeats the name of an
 * earlier candidate of the directory. */
static int repeats(const struct ua_dir *d, unsigned k, size_t i,
		   const char *s, size_t len)
{
	for (unsigned q = 0; q <= k; q++) {
		const struct ua_seq *sq = &d->seq[q];

		for (size_t j = 0; j < sq->n; j++) {
			const char *t;
			size_t tl;

			/* names first: equal ones are rare, keys cost calls */
			if ((q == k && j == i) ||
			    !sq->name(sq->base, j, &t, &tl) ||
			    !ua_name_eq(s, len, t, tl))
				continue;
			if (q < k || before(sq, j, i))
				return 1;
		}
	}
	return 0;
}

int ua_walk_shown(const struct ua_dir *d, unsigned k, size_t i)
{
	const struct ua_seq *s = &d->seq[k];
	const char *name;
	size_t len;

	return s->name(s->base, i, &name, &len) &&
	       !repeats(d, k, i, name, len);
}

/* The candidate after (pk, pi) in listing order, or the first. */
static int seq_next(const struct ua_seq *s, int first, uint64_t pk, size_t pi,
		    size_t *out)
{
	int found = 0;
	uint64_t bk = 0;
	size_t bi = 0;

	for (size_t i = 0; i < s->n; i++) {
		const char *name;
		size_t len;
		uint64_t k;

		if (!s->name(s->base, i, &name, &len))
			continue;
		k = s->key(s->base, i);
		if (!first && (k < pk || (k == pk && i <= pi)))
			continue;
		if (!found || k < bk || (k == bk && i < bi)) {
			found = 1;
			bk = k;
			bi = i;
		}
	}
	*out = bi;
	return found;
}

uint32_t ua_walk_count(const struct ua_dir *d)
{
	uint32_t c = 0;

	for (unsigned k = 0; k < d->nseq; k++)
		for (size_t i = 0; i < d->seq[k].n && c < 65535; i++)
			c += ua_walk_shown(d, k, i) ? 1 : 0;
	return c;
}

void ua_walk_emit(const struct ua_dir *d, uint64_t start, ua_emit_fn emit,
		     void *ctx)
{
	uint64_t rank = 0;

	for (unsigned k = 0; k < d->nseq; k++) {
		const struct ua_seq *s = &d->seq[k];
		int first = 1;
		uint64_t pk = 0;
		size_t pi = 0, i;

		while (seq_next(s, first, pk, pi, &i)) {
			first = 0;
			pk = s->key(s->base, i);
			pi = i;
			if (!ua_walk_shown(d, k, i))
				continue;
			if (rank++ >= start) {
				struct ua_child c;

				s->child(s->base, i, &c);
				if (!emit(ctx, &c))
					return;
			}
		}
	}
}
