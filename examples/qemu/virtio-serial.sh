#!/usr/bin/env bash
# Boots a Unikraft image whose ukstoreagent uses a virtio-console port
# (CONFIG_LIBUKSTOREAGENT_TRANSPORT_VPORT, port name "ukfs"), backed by a Unix socket in the ukfs
# registry. Much faster than COM2: no polled UART.
#   examples/qemu/virtio-serial.sh build/app_qemu-x86_64 vm1
# DRY_RUN=1 prints the command instead of running it.
set -eu
kernel=${1:?usage: virtio-serial.sh KERNEL [NAME]}
name=${2:-vm1}
registry=${UKFS_RUNTIME_DIR:-/run/ukfs}
mkdir -p "$registry"
cmd=(qemu-system-x86_64 -accel tcg -m 64M -nographic -kernel "$kernel"
     -device virtio-serial
     -chardev "socket,id=ukfs,path=$registry/$name.sock,server=on,wait=off"
     -device virtserialport,chardev=ukfs,name=ukfs)
if [ "${DRY_RUN:-0}" = 1 ]; then echo "${cmd[*]}"; else exec "${cmd[@]}"; fi
