/// The parts of ukfs(1) that no `--help` holds: what ukfs is, its mount options, addresses, exit
/// statuses, environment and files. Kept in step with README.md, which says the same at length.
enum Sections {
    static let description = """
        ukfs mounts a running Unikraft unikernel's ukstore on the host as a live, procfs-like tree: every \
        ukstore entry is a file (read: a fresh value from the guest on every open; write: the entry's setter), \
        every library and object a directory. A guest agent answers ukfs's bridge protocol on a serial port, \
        a socket or vsock. `ukfs mount` returns once the mount is ready and serves it in the background \
        (-f: in the foreground). ls, get, set, watch and dump read the same tree without FUSE; export serves it \
        to Prometheus; top shows every running instance at a glance, live (state, uptime, CPU %, memory, \
        network rx/tx per second), full-screen or as plain text frames (-b, --json).

        ukfs is a FUSE filesystem of type fuse.ukfs: for `mount -t fuse.ukfs vm1 /mnt/uk` and an /etc/fstab line \
        such as `vm1 /mnt/uk fuse.ukfs noauto,_netdev,x-systemd.automount 0 0`, mount(8) runs mount.fuse3, which \
        runs `ukfs vm1 /mnt/uk -o OPTIONS`; ukfs takes that as `ukfs mount`. mount(8) clears PATH, so ukfs must \
        be in /usr/local/sbin, /usr/local/bin, /usr/sbin, /usr/bin, /sbin or /bin (scripts/install puts it in \
        /usr/local/bin).

        Every command also takes -h, --help (its help) and --version.
        """

    static let trailing: [(String, [(String, String)])] = [
        (
            "MOUNT OPTIONS",
            [
                ("", "Given with -o as a comma-separated list, to ukfs mount, in /etc/fstab, or to mount(8)."),
                ("allow_other", "Other users may see the mount (for a non-root user, user_allow_other in /etc/fuse.conf)."),
                ("ro, rw", "ro: every write fails with EROFS. rw (the default) undoes it."),
                (
                    "wait",
                    "Mount before the guest answers, or before its socket exists (a NAME is then awaited at the registry's NAME.sock), and connect as soon as it does. On a terminal one line says what the mount waits for, and one that it is mounted."
                ),
                (
                    "timeout=SECONDS",
                    "The bound on every request to the guest (default 2); a request that gets no answer in time fails with EIO."
                ),
                ("max_threads=N", "FUSE worker threads (1\u{2013}256, default 16)."),
                (
                    "passthrough=auto|off",
                    "auto (the default; UKFS_PASSTHROUGH=off changes it): where the kernel offers FUSE passthrough and the server runs as root (CAP_SYS_ADMIN), an open of an entry without a setter, or of a .ukfs file, takes the value and hands the kernel a memory file holding it, so the reads never reach the server. off: every read goes through the server. .ukfs/io says which, and why."
                ),
                (
                    "idle=SECONDS",
                    "mount --all: an instance folder's guest connection closes after SECONDS unused (default 60; 0: never) and reopens on the next use. Folders connect only when first entered; the connections held at once are bounded by the descriptor limit, (RLIMIT_NOFILE \u{2212} 128) / 3; past it the least recently used connection idle for two timeouts makes room, and a folder still refused is listed in the root's .ukfs/refused."
                ),
                ("log=PATH", "The background server's log, instead of syslog (facility daemon, tag ukfs[PID])."),
                ("noexec, exec, noatime, atime, sync, async, dirsync", "Applied by the kernel, as for any filesystem."),
                (
                    "nosuid, nodev, suid, dev",
                    "ukfs always mounts nosuid,nodev (no entry is ever setuid or a device); suid and dev, which mount.fuse3 adds, are ignored."
                ),
                (
                    "defaults, auto, noauto, user, users, nouser, owner, group, nofail, _netdev, relatime, strictatime, lazytime, diratime, nodiratime, x-*, comment=*",
                    "Accepted and ignored: they are for mount(8), systemd and fstab readers. Any other option fails in one line."
                ),
            ]
        ),
        (
            "ADDRESSES",
            [
                (
                    "",
                    "Where an INSTANCE is asked for, give a NAME or an ADDRESS. A NAME is looked up as NAME.sock in the registry folder ($UKFS_RUNTIME_DIR, else $XDG_RUNTIME_DIR/ukfs, else /run/ukfs for root and /tmp/ukfs-UID for others), then among KraftKit's machines (kraft ps), whose bridge is ukfs.sock in the machine's runtime folder."
                ),
                (
                    "unix:PATH, or a path with a /",
                    "A Unix socket: QEMU's -chardev socket (the guest's COM2), the simulator, the agent's host build."
                ),
                ("tcp:HOST:PORT", "A bridge on TCP (tcp:[::1]:7000 for IPv6)."),
                ("vsock:CID:PORT", "AF_VSOCK to the guest with context id CID (QEMU vhost-vsock; modprobe vhost_vsock)."),
                ("fc-vsock:PATH:PORT", "Firecracker's hybrid vsock: its uds_path socket, on which ukfs sends CONNECT PORT."),
            ]
        ),
        (
            "EXIT STATUS",
            [
                ("0", "Success."),
                (
                    "1",
                    "The command failed: the instance cannot be found or reached, the mountpoint cannot be used, an option is unknown or out of range, a port is taken. One line on stderr, `ukfs: \u{2026}`, says what went wrong and what to do."
                ),
                ("2 (ENOENT)", "ls, get, set, watch, dump: no such entry or directory."),
                ("5 (EIO)", "ls, get, set, watch, dump: the guest did not answer in time, or the connection was lost."),
                ("13 (EACCES)", "get, set: the entry has no getter, or no setter."),
                ("20 (ENOTDIR)", "A path goes through an entry as if it were a directory."),
                ("21 (EISDIR)", "A directory where an entry was wanted."),
                ("22 (EINVAL)", "set: not a value of the entry's type."),
                ("27 (EFBIG)", "set: text longer than the guest's max_string; nothing is sent."),
                ("34 (ERANGE)", "set: outside the type's range; the value is unchanged."),
                ("other errno values", "ls, get, set, watch, dump: the guest's getter or setter failed with that errno."),
                (
                    "64 (EX_USAGE)",
                    "A usage error: a missing, extra or malformed argument or option. argument-parser prints `Error: \u{2026}`, the command's usage line and where its help is (three lines)."
                ),
                (
                    "129, 130, 143",
                    "Ended by SIGHUP, SIGINT or SIGTERM, after unmounting what the command had mounted (128 + the signal, as coreutils)."
                ),
                ("141", "Its output was closed (SIGPIPE), e.g. ukfs dump vm1 | head -1; the command ends quietly."),
            ]
        ),
        (
            "ENVIRONMENT",
            [
                (
                    "UKFS_RUNTIME_DIR",
                    "The registry folder of NAME.sock sockets (default: $XDG_RUNTIME_DIR/ukfs, else /run/ukfs for root, /tmp/ukfs-UID for others)."
                ),
                ("UKFS_KRAFT_RUNTIME_DIR", "KraftKit's runtime folder (default ~/.local/share/kraftkit/runtime)."),
                ("UKFS_PASSTHROUGH", "auto or off: the default of -o passthrough= for mounts that do not give it."),
                (
                    "UKFS_SYSLOG_SOCKET",
                    "For tests: the datagram socket a background server logs to instead of /dev/log."
                ),
                (
                    "NOTIFY_SOCKET",
                    "Set by systemd for Type=notify units: ukfs mount -f sends READY=1 once mounted, STATUS= as the connection changes and STOPPING=1 as it unmounts."
                ),
            ]
        ),
        (
            "FILES",
            [
                (
                    "MOUNTPOINT/.ukfs/",
                    "The mount itself: name, address, state (connected, or the last connect error: disconnected: connection refused, retrying in 1.6 s (attempt 9)), protocol, boot_id, generation, reconnects (how many times the mount has started reconnecting), io (passthrough, or libfuse and why: -o passthrough=off, not root, the kernel does not offer it)."
                ),
                (
                    "/run/ukfs/NAME.sock",
                    "An instance's bridge socket in the registry folder (for root; see UKFS_RUNTIME_DIR for the others): QEMU's chardev socket, the simulator's, or the agent's host build. The folder is 0700, its sockets 0600."
                ),
                (
                    "/run/ukfs/NAME.lock",
                    "The instance's line lock: whoever holds its exclusive flock talks to the guest; the kernel frees it however the holder ends."
                ),
                (
                    "/run/ukfs/NAME.share",
                    "The holder's share of the line, through which every other ukfs process of the same user reaches the guest."
                ),
                (
                    "/dev/log",
                    "Where a mount's background server logs (syslog, facility daemon, tag ukfs[PID]) unless -o log=PATH; a foreground server logs to stderr."
                ),
                ("/etc/fstab", "Lines of type fuse.ukfs, mounted by mount(8) through mount.fuse3."),
            ]
        ),
        (
            "EXAMPLES",
            [
                ("ukfs mount vm1 /mnt/uk && cat /mnt/uk/net/eth0/rx_bytes", "Mount instance vm1 and read a NIC's received bytes."),
                ("mount -t fuse.ukfs vm1 /mnt/uk -o nosuid,nodev,ro", "The same through mount(8), read-only; umount /mnt/uk unmounts."),
                ("ukfs get vm1 memory/cur_mem_free", "Read one value without FUSE."),
                ("ukfs export --all --listen 127.0.0.1:9464", "Serve every registered instance to Prometheus."),
                ("ukfs top", "Every registered instance, live, full-screen: c, m, n sort; Enter shows one in detail; q quits."),
                ("ukfs top -b -n 3 -d 2 > top.log", "Three plain text frames two seconds apart, as top -b; --json: one JSON object each."),
            ]
        ),
        (
            "SEE ALSO",
            [
                (
                    "",
                    "mount(8), fstab(5), mount.fuse3(8), fusermount3(1), systemd.mount(5), systemd.automount(5), sd_notify(3), prometheus(1)"
                )
            ]
        ),
    ]
}
