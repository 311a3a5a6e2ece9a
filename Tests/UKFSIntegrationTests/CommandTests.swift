import Foundation
import Testing

/// The `ukfs` command as a user meets it: its answers, its errors, its processes.
@Suite("The ukfs command")
struct CommandTests {
    @Test("mount of an unknown name fails at once, naming it and where it looked")
    func unknownInstance() throws {
        let guest = try Instance()
        defer { guest.stop() }
        let started = Date()
        let result = guest.ukfs(["mount", "nosuch", guest.mountpoint])
        #expect(Date().timeIntervalSince(started) < 2)
        #expect(result.status != 0)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result)")
        #expect(result.stderr.hasPrefix("ukfs: "))
        #expect(result.stderr.contains("'nosuch'") && result.stderr.contains(guest.registry + "/nosuch.sock"), "\(result)")
    }

    @Test("mount of a registered name that nobody serves says connection refused")
    func deadInstance() throws {
        let guest = try Instance()
        defer { guest.stop() }
        // A socket file with no listener: what a crashed instance leaves behind.
        #expect(Shell.run("python3 -c 'import socket; s=socket.socket(socket.AF_UNIX); s.bind(\"\(guest.socket)\")'").status == 0)
        let result = guest.ukfs(["mount", "vm1", guest.mountpoint])
        #expect(result.status != 0)
        #expect(result.stderr == "ukfs: cannot reach instance 'vm1' at \(guest.socket): connection refused — is it running?\n", "\(result)")
    }

    // Root: mounting a tmpfs, as the report did.
    @Test("umount refuses, in one line, what is not a ukfs mount: a tmpfs stays mounted", .enabled(if: getuid() == 0))
    func umountRefusesOthers() throws {
        let guest = try Instance()
        defer { guest.stop() }
        let tmpfs = guest.folder + "/tmpfs"
        try FileManager.default.createDirectory(atPath: tmpfs, withIntermediateDirectories: true)
        let mounted = Shell.run(["/bin/mount", "-t", "tmpfs", "none", tmpfs])
        #expect(mounted.status == 0, "\(mounted)")
        defer { Shell.run(["/bin/umount", "-l", tmpfs]) }
        let refused = guest.ukfs(["umount", tmpfs])
        #expect(
            refused.status == 1
                && refused.stderr
                    == "ukfs: \(tmpfs) is a tmpfs mount, not a ukfs one — refusing to unmount it (umount(8) unmounts other filesystems)\n",
            "\(refused)")
        #expect(Shell.run(["/usr/bin/findmnt", "-n", tmpfs]).status == 0, "the tmpfs was unmounted")
        let plain = guest.ukfs(["umount", guest.mountpoint])
        #expect(plain.status == 1 && plain.stderr == "ukfs: \(guest.mountpoint) is not a mountpoint — nothing to unmount\n", "\(plain)")
        // A ukfs mount is still unmounted, by its path or through a symlink to it.
        try guest.mount()
        let link = guest.folder + "/link"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: guest.folder)
        let unmounted = guest.ukfs(["umount", link + "/mnt"])
        #expect(unmounted.status == 0 && !guest.isMountedInKernel, "\(unmounted)")
        guest.mounted = !unmounted.stderr.isEmpty && guest.isMountedInKernel
    }

    @Test("bad mountpoints get one line each")
    func badMountpoints() throws {
        let guest = try Instance()
        defer { guest.stop() }
        try guest.startGuest()
        let missing = guest.ukfs(["mount", "vm1", guest.folder + "/absent"])
        #expect(missing.status != 0 && missing.stderr.contains("does not exist"), "\(missing)")
        _ = FileManager.default.createFile(atPath: guest.folder + "/file", contents: Data())
        let file = guest.ukfs(["mount", "vm1", guest.folder + "/file"])
        #expect(file.status != 0 && file.stderr.contains("is not a directory"), "\(file)")
        try guest.mount()
        let busy = guest.ukfs(["mount", "vm1", guest.mountpoint])
        #expect(busy.status != 0 && busy.stderr.contains("already mounted"), "\(busy)")
        let badOption = guest.ukfs(["mount", "vm1", guest.folder, "-o", "frobnicate"])
        #expect(badOption.status != 0 && badOption.stderr.contains("unknown mount option 'frobnicate'"), "\(badOption)")
    }

    @Test("umount removes the mount and ends its background server")
    func umount() throws {
        let guest = try Instance()
        defer { guest.stop() }
        try guest.mount()
        #expect(guest.isMountedInKernel)
        let server = Shell.run("pgrep -f 'ukfs mount vm1 \(guest.mountpoint) --foreground'").stdout
        #expect(!server.isEmpty)
        #expect(guest.ukfs(["umount", guest.mountpoint]).status == 0)
        #expect(!guest.isMountedInKernel)
        #expect(
            Shell.eventually(within: 5) {
                Shell.run("pgrep -f 'ukfs mount vm1 \(guest.mountpoint) --foreground'").stdout.isEmpty
            })
        let again = guest.ukfs(["umount", guest.mountpoint])
        #expect(again.status != 0 && again.stderr.contains("not a mountpoint"), "\(again)")
    }

    @Test("list shows registered instances and whether they answer")
    func list() throws {
        let guest = try Instance()
        defer { guest.stop() }
        #expect(guest.ukfs(["list"]).stdout.contains("no instances registered in \(guest.registry)"))
        try guest.startGuest()
        let listed = guest.ukfs(["list"]).stdout
        #expect(listed.contains("vm1") && listed.contains("answering") && listed.contains("unix:\(guest.socket)"), "\(listed)")
        guest.stopGuest()
        #expect(!FileManager.default.fileExists(atPath: guest.socket), "a stopped simulator removes its socket")
    }

    @Test("sim refuses a name that is already answering")
    func simDuplicate() throws {
        let guest = try Instance()
        defer { guest.stop() }
        try guest.startGuest()
        let second = guest.ukfs(["sim", "vm1"], timeout: 10)
        #expect(second.status != 0 && second.stderr.contains("already answering"), "\(second)")
    }

    @Test("sim creates its registry folder 0700 and its socket 0600, and removes the socket on exit")
    func registryPermissions() throws {
        let guest = try Instance()
        defer { guest.stop() }
        let folder = guest.folder + "/fresh-registry"
        let pid = try #require(Shell.spawn([Paths.ukfs, "sim", "vm9"], environment: ["UKFS_RUNTIME_DIR": folder]))
        #expect(Shell.eventually(within: 10) { FileManager.default.fileExists(atPath: folder + "/vm9.sock") })
        #expect(Shell.run("stat -c %a '\(folder)' '\(folder)/vm9.sock'").stdout == "700\n600\n")
        #expect(Shell.terminate(pid, signal: SIGTERM, grace: 10) & 0x7f == SIGTERM)
        #expect(!FileManager.default.fileExists(atPath: folder + "/vm9.sock"))
    }

    @Test("the address forms unix:PATH and a plain path mount too")
    func addresses() throws {
        let guest = try Instance()
        defer { guest.stop() }
        try guest.startGuest()
        #expect(guest.ukfs(["mount", "unix:" + guest.socket, guest.mountpoint]).status == 0)
        #expect(guest.read(".ukfs/name") == "vm1\n")
        #expect(guest.ukfs(["umount", guest.mountpoint]).status == 0)
        #expect(guest.ukfs(["mount", guest.socket, guest.mountpoint]).status == 0)
        #expect(guest.read("libukprint/console_lvl") == "3\n")
        #expect(guest.ukfs(["umount", guest.mountpoint]).status == 0)
    }

    @Test("SIGTERM to the mount's server unmounts cleanly and ends it by SIGTERM")
    func sigterm() throws {
        let guest = try Instance()
        defer { guest.stop() }
        try guest.startGuest()
        let pid = try #require(guest.spawnMounting(["mount", "vm1", guest.mountpoint, "-f"]))
        #expect(Shell.terminate(pid, signal: SIGTERM, grace: 10) & 0x7f == SIGTERM)
        #expect(!guest.isMountedInKernel)
    }

    @Test("demo mounts a simulated instance and Ctrl-C unmounts it")
    func demo() throws {
        let guest = try Instance()
        defer { guest.stop() }
        let pid = try #require(guest.spawnMounting(["demo", guest.mountpoint]))
        #expect(UInt64(guest.read("net/eth0/rx_bytes").dropLast()) != nil)
        #expect(Shell.terminate(pid, signal: SIGINT, grace: 10) & 0x7f == SIGINT)
        #expect(!guest.isMountedInKernel)
    }

    @Test("the example NIC monitor prints a rate per NIC from the mount")
    func nicMonitorExample() throws {
        let guest = try Instance()
        defer { guest.stop() }
        try guest.mount()
        #expect(guest.sh("echo 2 > \"$M/appsim/netdev_count\"").status == 0)
        let result = guest.sh("'\(Paths.packageRoot)/examples/nic-monitor.sh' \"$M\" 1 2", timeout: 30)
        #expect(result.status == 0, "\(result)")
        let rates = result.stdout.split(separator: "\n").filter { $0.hasPrefix("netdev") }
        #expect(rates.count == 4, "\(result.stdout)")
        for line in rates {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            // netdevN rx RATE B/s tx RATE B/s: a running NIC receives something every second.
            #expect(fields.count == 7 && (Int(fields[2]) ?? 0) > 0 && (Int(fields[5]) ?? 0) > 0, "\(line)")
        }
    }
}
