#!/usr/bin/env bash
# Boots a Unikraft image whose ukstoreagent serves the bridge on COM2, with COM2 backed by a Unix
# socket in the ukfs registry (so `ukfs mount NAME …` finds it by name) and a virtio-net NIC on
# QEMU user networking (so libuknetdev/netdev0, alias net/eth0, exists).
# KERNEL is a path from the current folder; from the ukfs checkout's root, the demo is:
#   examples/qemu/com2.sh examples/unikraft/app/build/app_qemu-x86_64 vm1 [more QEMU arguments]
# The registry is the one ukfs reads ($UKFS_RUNTIME_DIR, else $XDG_RUNTIME_DIR/ukfs, else /run/ukfs
# for root and /tmp/ukfs-UID for others), created private to its owner (0700) as ukfs creates it.
# DRY_RUN=1 prints the command instead of running it.
set -eu
if [ $# -lt 1 ]; then
    echo "usage: com2.sh KERNEL [NAME [QEMU ARGUMENTS...]] (KERNEL: the image, e.g. examples/unikraft/app/build/app_qemu-x86_64)" >&2
    exit 64
fi
kernel=$1
name=${2:-vm1}
shift $(( $# >= 2 ? 2 : 1 ))
if [ ! -f "$kernel" ]; then
    echo "com2.sh: no image at $kernel (from $PWD); build the app first, or give the image's path" >&2
    exit 1
fi
if [ -n "${UKFS_RUNTIME_DIR:-}" ]; then
    registry=$UKFS_RUNTIME_DIR
elif [ -n "${XDG_RUNTIME_DIR:-}" ]; then
    registry=$XDG_RUNTIME_DIR/ukfs
elif [ "$(id -u)" -eq 0 ]; then
    registry=/run/ukfs
else
    registry=/tmp/ukfs-$(id -u)
fi
# -m applies to the registry itself when created (its parents get the usual mode); one that exists
# is left as it is, as ukfs leaves it.
mkdir -p -m 0700 "$registry"
# -accel tcg: a paravirtualised host often cannot run KVM guests. COM1 is the console, shared with
# QEMU's monitor on stdio (mon:stdio; plain `-serial stdio` clashes with -nographic's monitor).
cmd=(qemu-system-x86_64 -accel tcg -m 64M -nographic -kernel "$kernel"
     -chardev "socket,id=ukfs,path=$registry/$name.sock,server=on,wait=off"
     -serial mon:stdio -serial chardev:ukfs
     -netdev user,id=n0 -device virtio-net-pci,netdev=n0
     "$@")
if [ "${DRY_RUN:-0}" = 1 ]; then echo "${cmd[*]}"; else exec "${cmd[@]}"; fi
