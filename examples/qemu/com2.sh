#!/usr/bin/env bash
# Boots a Unikraft image whose ukstoreagent serves the bridge on COM2 (the default), with COM2
# backed by a Unix socket in the ukfs registry, so `ukfs mount NAME …` finds it by name.
#   examples/qemu/com2.sh build/app_qemu-x86_64 vm1
# DRY_RUN=1 prints the command instead of running it.
set -eu
kernel=${1:?usage: com2.sh KERNEL [NAME]}
name=${2:-vm1}
registry=${UKFS_RUNTIME_DIR:-/run/ukfs}
mkdir -p "$registry"
# -accel tcg: a paravirtualised host often cannot run KVM guests; COM1 stays the console (stdio).
cmd=(qemu-system-x86_64 -accel tcg -m 64M -nographic -kernel "$kernel"
     -chardev "socket,id=ukfs,path=$registry/$name.sock,server=on,wait=off"
     -serial stdio -serial chardev:ukfs)
if [ "${DRY_RUN:-0}" = 1 ]; then echo "${cmd[*]}"; else exec "${cmd[@]}"; fi
