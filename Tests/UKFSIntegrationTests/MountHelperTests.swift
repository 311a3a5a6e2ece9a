import Foundation
import Testing

/// ukfs as a FUSE filesystem of the system: installed by scripts/install, mounted by the real
/// mount(8) (`mount -t fuse.ukfs`, an fstab line through `mount --fstab`) and unmounted by umount.
///
/// mount(8) clears PATH, and mount.fuse3's /bin/sh then finds `ukfs` only in the default path
/// (/usr/local/sbin first). So each script runs in a private mount namespace (unshare) where the
/// test's own install folder is bind-mounted on /usr/local/sbin: mount(8) and mount.fuse3 run as
/// they do for a user, and nothing is written to /usr, /etc or /sbin. The namespace ends with the
/// script; a lazy unmount on exit ends a server a failed step left behind.
@Suite("mount(8) and fstab")
struct MountHelperTests {
    /// Installs the built ukfs into `guest.folder/prefix` with the project's install script.
    static func install(_ guest: Instance) throws -> String {
        let prefix = guest.folder + "/prefix"
        let result = Shell.run(["\(Paths.packageRoot)/scripts/install", "--prefix", prefix, "--binary", Paths.ukfs], timeout: 60)
        guard result.status == 0 else { throw FixtureError("scripts/install failed: \(result)") }
        return prefix
    }

    /// Runs `script` in a private mount namespace where the installed ukfs is what mount.fuse3 finds.
    static func inNamespace(_ guest: Instance, prefix: String, _ script: String) -> Shell.Output {
        let wrapped = """
            set -u
            mount --bind '\(prefix)/bin' /usr/local/sbin
            trap 'umount -l "$M" 2>/dev/null; true' EXIT
            \(script)
            """
        return Shell.run(
            ["/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/bash", "-c", wrapped],
            environment: guest.environment.merging(["M": guest.mountpoint]) { $1 }, timeout: 60)
    }

    @Test("scripts/install puts the command and its completions under the prefix")
    func installs() throws {
        let guest = try Instance()
        defer { guest.stop() }
        let prefix = try Self.install(guest)
        for file in [
            "bin/ukfs", "share/bash-completion/completions/ukfs", "share/zsh/site-functions/_ukfs",
            "share/fish/vendor_completions.d/ukfs.fish",
        ] {
            #expect(FileManager.default.fileExists(atPath: prefix + "/" + file), "\(file)")
        }
        let usage = Shell.run(["\(Paths.packageRoot)/scripts/install", "--frobnicate"])
        #expect(usage.status == 64 && usage.stderr.split(separator: "\n").count == 1, "\(usage)")
    }

    @Test("mount -t fuse.ukfs vm1 MOUNTPOINT -o nosuid,nodev,ro mounts; umount unmounts")
    func mountType() throws {
        let guest = try Instance()
        defer { guest.stop() }
        try guest.startGuest()
        let prefix = try Self.install(guest)
        let result = Self.inNamespace(
            guest, prefix: prefix,
            """
            mount -t fuse.ukfs vm1 "$M" -o nosuid,nodev,ro || exit 10
            findmnt -n -o SOURCE,FSTYPE,OPTIONS "$M"
            cat "$M/net/eth0/rx_bytes"
            ( echo 5 > "$M/libukprint/console_lvl" ) 2>&1 | sed 's/.*: //'
            umount "$M" || exit 11
            findmnt "$M" >/dev/null || echo unmounted
            """)
        #expect(result.status == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(result)")
        let mount = lines.first?.split(separator: " ", omittingEmptySubsequences: true).map(String.init) ?? []
        #expect(mount.count == 3 && mount[0] == "vm1" && mount[1] == "fuse.ukfs", "\(result)")
        let flags = Set(mount.last?.split(separator: ",").map(String.init) ?? [])
        #expect(flags.isSuperset(of: ["ro", "nosuid", "nodev"]), "\(result)")
        #expect(lines.count > 1 && UInt64(lines[1]) != nil, "\(result)")
        #expect(lines.count > 2 && lines[2] == "Read-only file system", "\(result)")
        #expect(lines.last == "unmounted", "\(result)")
        #expect(!guest.isMountedInKernel)
    }

    @Test("an fstab line with noauto,_netdev,x-systemd.automount mounts with mount MOUNTPOINT; umount unmounts")
    func fstab() throws {
        let guest = try Instance()
        defer { guest.stop() }
        try guest.startGuest()
        let prefix = try Self.install(guest)
        let fstab = guest.folder + "/fstab"
        try
            "# ukfs: the instance vm1, mounted on first access by systemd\nvm1 \(guest.mountpoint) fuse.ukfs noauto,nofail,_netdev,x-systemd.automount,x-systemd.mount-timeout=30,nosuid,nodev,noexec,noatime,comment=ukfs,log=\(guest.folder)/server.log 0 0\n"
            .write(toFile: fstab, atomically: true, encoding: .utf8)
        let result = Self.inNamespace(
            guest, prefix: prefix,
            """
            mount --fstab '\(fstab)' "$M" || exit 10
            findmnt -n -o SOURCE,FSTYPE,OPTIONS "$M"
            cat "$M/.ukfs/state" "$M/memory/cur_mem_free"
            # mount -a knows the line is mounted (the source in /proc/mounts is the fstab's own, vm1).
            sed 's/noauto,//' '\(fstab)' > '\(fstab)-auto'
            mount --fstab '\(fstab)-auto' --all --verbose 2>&1 | grep -o 'already mounted'
            umount "$M" || exit 11
            findmnt "$M" >/dev/null || echo unmounted
            """)
        let log = (try? String(contentsOfFile: guest.folder + "/server.log", encoding: .utf8)) ?? ""
        #expect(result.status == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 5, "\(result)\nserver log: \(log)")
        let flags = Set(lines.first?.split(separator: " ").last?.split(separator: ",").map(String.init) ?? [])
        #expect(
            lines.first?.hasPrefix("vm1 ") == true && flags.isSuperset(of: ["noexec", "noatime", "nosuid", "nodev", "rw"]), "\(result)")
        #expect(lines.count > 2 && lines[1] == "connected" && UInt64(lines[2]) != nil, "\(result)")
        #expect(lines.count > 3 && lines[3] == "already mounted", "\(result)")
        #expect(lines.last == "unmounted", "\(result)")
    }

    @Test("through mount.fuse3's type#source form, and an unknown option fails in one line")
    func fuseTypeForm() throws {
        let guest = try Instance()
        defer { guest.stop() }
        try guest.startGuest()
        let prefix = try Self.install(guest)
        let result = Self.inNamespace(
            guest, prefix: prefix,
            """
            mount -t fuse 'ukfs#vm1' "$M" -o rw,users,auto || exit 10
            cat "$M/.ukfs/name"
            umount "$M" || exit 11
            mount -t fuse.ukfs vm1 "$M" -o nosuid,frobnicate && exit 12
            echo "status $?"
            findmnt "$M" >/dev/null || echo unmounted
            """)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "vm1\nstatus 1\nunmounted\n", "\(result)")
        #expect(
            result.stderr.hasPrefix("ukfs: unknown mount option 'frobnicate' — known: ")
                && result.stderr.split(separator: "\n").count == 1, "\(result)")
    }
}
