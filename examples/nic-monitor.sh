#!/usr/bin/env bash
# Prints every NIC's receive and transmit rate of a mounted Unikraft instance, once per interval:
#
#   examples/nic-monitor.sh /mnt/uk            # forever, every second
#   examples/nic-monitor.sh /mnt/uk 1 10       # ten reports, one a second
#
# Only the standard tools: the counters are files (ukfs mount vm1 /mnt/uk).
set -u
mnt=${1:?usage: nic-monitor.sh MOUNTPOINT [INTERVAL_SECONDS] [COUNT]}
interval=${2:-1}
count=${3:-0}
netdev="$mnt/libuknetdev"

[ -d "$netdev" ] || { echo "nic-monitor: no $netdev — is a ukfs instance with network devices mounted at $mnt?" >&2; exit 1; }

declare -A last_rx last_tx
sample() {
    for nic in "$netdev"/netdev*; do
        [ -d "$nic" ] || continue
        name=${nic##*/}
        # A NIC may vanish between the glob and the read: skip it quietly.
        read -r rx < "$nic/rx_bytes" 2>/dev/null || continue
        read -r tx < "$nic/tx_bytes" 2>/dev/null || continue
        if [ -n "${last_rx[$name]:-}" ]; then
            printf '%-10s rx %12d B/s   tx %12d B/s\n' "$name" \
                $(( (rx - last_rx[$name]) / interval )) $(( (tx - last_tx[$name]) / interval ))
        fi
        last_rx[$name]=$rx
        last_tx[$name]=$tx
    done
}

sample
n=0
while [ "$count" -eq 0 ] || [ "$n" -lt "$count" ]; do
    sleep "$interval"
    printf '%s\n' "--- $(date +%T)"
    sample
    n=$((n + 1))
done
