#!/bin/sh
# Instructions per batched GET of one u64 entry on the host build, measured
# with callgrind: 10000 GETs minus 0 GETs, divided by 10000. Also prints the
# bytes of that request and its answer on the wire.
set -eu
B=$1
command -v valgrind >/dev/null || { echo "measure.sh: valgrind not installed (apt-get install -y valgrind)"; exit 0; }
for n in 0 10000; do
	valgrind --tool=callgrind --callgrind-out-file="$B/callgrind.$n" \
		"$B/unit-tests" --bench "$n" >"$B/bench.$n" 2>/dev/null
done
i0=$(grep -m1 '^summary:' "$B/callgrind.0" | awk '{print $2}')
i1=$(grep -m1 '^summary:' "$B/callgrind.10000" | awk '{print $2}')
echo "== instructions per 1-entry u64 GET (agent + double, request in, answer out) =="
echo "$(( (i1 - i0) / 10000 ))"
cat "$B/bench.10000"
