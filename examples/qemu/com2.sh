#!/usr/bin/env bash
# Boots a Unikraft image whose ukstoreagent serves the bridge on COM2, with COM2 backed by a Unix
# socket in the ukfs registry (so `ukfs mount NAME …` finds it by name) and a virtio-net NIC on
# QEMU user networking (so libuknetdev/netdev0, alias net/eth0, exists).
#   examples/qemu/com2.sh build/app_qemu-x86_64 vm1 [more QEMU arguments]
# DRY_RUN=1 prints the command instead of running it.
set -eu
kernel=${1:?usage: com2.sh KERNEL [NAME [QEMU ARGUMENTS...]]}
name=${2:-vm1}
shift $(( $# >= 2 ? 2 : 1 ))
registry=${UKFS_RUNTIME_DIR:-/run/ukfs}
mkdir -p "$registry"
# -accel tcg: a paravirtualised host often cannot run KVM guests. COM1 is the console, shared with
# QEMU's monitor on stdio (mon:stdio; plain `-serial stdio` clashes with -nographic's monitor).
cmd=(qemu-system-x86_64 -accel tcg -m 64M -nographic -kernel "$kernel"
     -chardev "socket,id=ukfs,path=$registry/$name.sock,server=on,wait=off"
     -serial mon:stdio -serial chardev:ukfs
     -netdev user,id=n0 -device virtio-net-pci,netdev=n0
     "$@")
if [ "${DRY_RUN:-0}" = 1 ]; then echo "${cmd[*]}"; else exec "${cmd[@]}"; fi
