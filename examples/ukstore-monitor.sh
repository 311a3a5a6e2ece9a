#!/usr/bin/env bash
# Watches a Unikraft instance without mounting it: receive rate of one NIC, and an alert when free
# memory falls under a threshold. One `ukfs get` per interval reads both values in one batched
# bridge request.
#
#   examples/ukstore-monitor.sh vm1                      # eth0, alert under 64 MiB, every second, forever
#   examples/ukstore-monitor.sh vm1 eth1 268435456 2 10  # eth1, alert under 256 MiB, every 2 s, 10 reports
#
# Output, one line per interval:   rx 1403200 B/s  mem_free 238104520
# and, when memory is low, also:   ALERT vm1: cur_mem_free 238104520 below 268435456
# Exit status: 0, or ukfs's own (the errno of a missing entry, 1 if the instance is unreachable).
set -u
instance=${1:?usage: ukstore-monitor.sh INSTANCE [NIC] [MIN_FREE_BYTES] [INTERVAL_SECONDS] [COUNT]}
nic=${2:-eth0}
min_free=${3:-67108864}
interval=${4:-1}
count=${5:-0}
ukfs=${UKFS:-ukfs}

read_values() {
    # Two values, one per line, in the order asked.
    values=$("$ukfs" get "$instance" "net/$nic/rx_bytes" memory/cur_mem_free) || exit $?
    rx=${values%%$'\n'*}
    free=${values##*$'\n'}
}

read_values
last_rx=$rx
last_time=$(date +%s.%N)
reports=0
while [ "$count" -eq 0 ] || [ "$reports" -lt "$count" ]; do
    sleep "$interval"
    read_values
    now=$(date +%s.%N)
    rate=$(awk -v a="$last_rx" -v b="$rx" -v t0="$last_time" -v t1="$now" 'BEGIN { printf "%d", (b - a) / (t1 - t0) }')
    echo "rx $rate B/s  mem_free $free"
    if [ "$free" -lt "$min_free" ]; then
        echo "ALERT $instance: cur_mem_free $free below $min_free"
    fi
    last_rx=$rx
    last_time=$now
    reports=$((reports + 1))
done
