import Foundation
import Testing

/// Never hang, never crash, never leak: dead, slow and hostile guests, signals, stale mounts.
/// Every guest here is a double that misbehaves on purpose (HostileGuest), or the simulator.
@Suite("Robustness")
struct RobustnessTests {
    private func hostile(_ behaviour: HostileGuest.Behaviour) throws -> (Instance, HostileGuest) {
        let instance = try Instance()
        return (instance, try HostileGuest(path: instance.socket, behaviour: behaviour))
    }

    @Test(
        "mount fails with one line when the peer is silent or talks garbage",
        arguments: [HostileGuest.Behaviour.silent, .garbage])
    func noHandshake(behaviour: HostileGuest.Behaviour) throws {
        let (instance, guest) = try hostile(behaviour)
        defer { guest.stop(); instance.stop() }
        let result = instance.ukfs(["mount", "vm1", instance.mountpoint, "-o", "timeout=1"])
        #expect(result.status == 1)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains("never completed the ukfs handshake"), "\(result)")
        #expect(!instance.isMountedInKernel)
    }

    @Test("-o wait mounts before the guest exists and goes live when it comes")
    func waitForGuest() throws {
        let instance = try Instance()
        defer { instance.stop() }
        let mount = instance.ukfs(["mount", "unix:" + instance.socket, instance.mountpoint, "-o", "wait"])
        #expect(mount.status == 0, "\(mount)")
        instance.mounted = mount.status == 0
        #expect(instance.read(".ukfs/state").hasPrefix("disconnected"))
        try instance.startGuest()
        #expect(Shell.eventually(within: 15) { instance.read(".ukfs/state") == "connected\n" })
        #expect(Shell.eventually(within: 5) { UInt64(instance.read("net/eth0/rx_bytes").dropLast()) != nil })
    }

    @Test("a guest that stops answering gives EIO within the bound, and says so in .ukfs/state")
    func stalledGuest() throws {
        let (instance, guest) = try hostile(.stallGets)
        defer { guest.stop(); instance.stop() }
        try instance.mountOnly(options: ["-o", "timeout=1"])
        let read = instance.sh("cat \"$M/libtest/value\"")
        #expect(read.status != 0 && read.stderr.contains("Input/output error"), "\(read)")
        #expect(instance.read(".ukfs/state").hasPrefix("connected, not answering"), "\(instance.read(".ukfs/state"))")
        #expect(instance.sh("ls \"$M\"").stdout.contains("libtest"))
    }

    @Test("a reader interrupted by a signal returns at once, not at the guest timeout")
    func interruptedReader() throws {
        let (instance, guest) = try hostile(.stallGets)
        defer { guest.stop(); instance.stop() }
        try instance.mountOnly(options: ["-o", "timeout=60"])
        let started = Date()
        // coreutils timeout sends SIGINT to cat after 0.5 s; the guest would take 60 s.
        let read = instance.sh("timeout -s INT 0.5 cat \"$M/libtest/value\"", timeout: 50)
        #expect(read.status == 124, "\(read)")
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(instance.sh("cat \"$M/libtest/knob\"").status != 0, "GETs still stall")
        #expect(instance.read(".ukfs/name") == "vm1\n", "the mount still serves")
    }

    @Test("a guest dribbling its answer byte by byte times out; the mount stays usable")
    func dribblingGuest() throws {
        let (instance, guest) = try hostile(.dribbleGets)
        defer { guest.stop(); instance.stop() }
        try instance.mountOnly(options: ["-o", "timeout=0.3"])
        let read = instance.sh("cat \"$M/libtest/value\"")
        #expect(read.stderr.contains("Input/output error"), "\(read)")
        #expect(instance.sh("echo 9 > \"$M/libtest/knob\"").status == 0)
        #expect(instance.sh("ls \"$M/libtest\"").stdout == "knob\nlabel\nvalue\n")
    }

    @Test("names with /, NUL, . or .., control characters, invalid UTF-8, and duplicates never reach the kernel")
    func evilNames() throws {
        let (instance, guest) = try hostile(.evilNames)
        defer { guest.stop(); instance.stop() }
        try instance.mountOnly()
        let listed = instance.sh("ls -A \"$M\"").stdout
        #expect(listed == ".ukfs\ngood\nlibtest\n", "\(listed.debugDescription)")
        let find = instance.sh("find \"$M\" -type f -exec cat {} + >/dev/null")
        #expect(find.status == 0, "\(find)")
        let printed = instance.sh("find \"$M\"").stdout
        #expect(
            !printed.unicodeScalars.contains { $0.properties.generalCategory == .control && $0 != "\n" },
            "no control character reaches a terminal: \(printed.debugDescription)")
        let scripted = instance.ukfs(["ls", "unix:" + instance.socket])
        #expect(scripted.stdout == "good\nlibtest\n", "ukfs ls applies the same rules: \(scripted)")
    }

    @Test("a string over the guest's max_string, or with a NUL, is refused and reads as EIO")
    func badStrings() throws {
        let (instance, guest) = try hostile(.badStrings)
        defer { guest.stop(); instance.stop() }
        try instance.mountOnly()
        for _ in 0..<2 {
            let read = instance.sh("cat \"$M/libtest/label\"")
            #expect(read.status != 0 && read.stderr.contains("Input/output error") && read.stdout.isEmpty, "\(read)")
        }
        #expect(instance.read("libtest/knob") == "1\n", "the other entries still read")
        let scripted = instance.ukfs(["get", "unix:" + instance.socket, "libtest/label"])
        #expect(scripted.status == 5 && scripted.stdout.isEmpty, "\(scripted)")
    }

    @Test("an event flood and answers never asked for change nothing a reader sees")
    func floodAndStrayAnswers() throws {
        let (instance, guest) = try hostile(.flood)
        defer { guest.stop(); instance.stop() }
        try instance.mountOnly()
        #expect(Shell.eventually(within: 5) { instance.sh("cat \"$M/libtest/knob\"").stdout == "1\n" })
        #expect(instance.sh("ls -A \"$M\"").stdout == ".ukfs\nlibtest\n")
        #expect(instance.read(".ukfs/state") == "connected\n")
        let pid = instance.sh("pgrep -f 'ukfs mount vm1 \(instance.mountpoint) --foreground'").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let rss = instance.sh("awk '/VmRSS/ { print $2 }' /proc/\(pid)/status").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect((Int(rss) ?? .max) < 128 * 1024, "RSS \(rss) kB after the flood")
    }

    @Test("a guest that dies gives EIO, not ENOTCONN; ls still works; a new boot brings the tree back")
    func deadAndRestartedGuest() throws {
        let instance = try Instance()
        defer { instance.stop() }
        var guest = try HostileGuest(path: instance.socket, behaviour: .normal, bootID: 1)
        defer { guest.stop() }
        try instance.mountOnly()
        #expect(instance.sh("cat \"$M/libtest/value\" && ls \"$M/libtest\" >/dev/null").status == 0)
        guest.stop()
        #expect(Shell.eventually(within: 5) { instance.read(".ukfs/state").hasPrefix("disconnected") })
        let dead = instance.sh("cat \"$M/libtest/value\"")
        #expect(dead.stderr.contains("Input/output error"), "\(dead)")
        #expect(instance.sh("ls \"$M\"").stdout.contains("libtest"))
        guest = try HostileGuest(path: instance.socket, behaviour: .normal, bootID: 2)
        #expect(Shell.eventually(within: 15) { instance.read(".ukfs/state") == "connected\n" })
        #expect(instance.read(".ukfs/boot_id") == "0000000000000002\n")
        #expect(instance.sh("cat \"$M/libtest/value\"").status == 0)
    }

    @Test("only the mounting user sees the mount, unless -o allow_other", arguments: [false, true])
    func otherUsers(allowOther: Bool) throws {
        let instance = try Instance()
        defer { instance.stop() }
        // The test folder is private (mkdtemp); open the way to the mountpoint for user nobody.
        #expect(chmod(instance.folder, 0o755) == 0)
        try instance.mount(options: allowOther ? ["-o", "allow_other"] : [])
        let asNobody = instance.sh("setpriv --reuid=65534 --regid=65534 --clear-groups cat \"$M/libukprint/console_lvl\"")
        if allowOther {
            #expect(asNobody.stdout == "3\n", "\(asNobody)")
            let write = instance.sh("setpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'echo 5 > \"$M/libukprint/console_lvl\"'")
            #expect(write.stderr.contains("Permission denied"), "permission bits hold for others: \(write)")
        } else {
            #expect(asNobody.stderr.contains("Permission denied"), "\(asNobody)")
        }
    }

    @Test("-o ro refuses every write with EROFS")
    func readOnly() throws {
        let instance = try Instance()
        defer { instance.stop() }
        try instance.mount(options: ["-o", "ro"])
        let write = instance.sh("echo 7 > \"$M/libukprint/console_lvl\"")
        #expect(write.stderr.contains("Read-only file system"), "\(write)")
        #expect(instance.read("libukprint/console_lvl") == "3\n")
    }

    @Test("a server SIGKILLed while read, with readers running: the next mount says so and recovers it")
    func staleMount() throws {
        let instance = try Instance()
        defer { instance.stop() }
        try instance.startGuest()
        let pid = try #require(instance.spawnMounting(["mount", "vm1", instance.mountpoint, "-f"]))
        // Used: the kernel now holds the root's attributes for 60 s, so stat() of the dead mount
        // would still succeed — the decision must not rest on it.
        #expect(instance.read("libukprint/console_lvl") == "3\n")
        #expect(instance.sh("ls \"$M\" >/dev/null && stat \"$M\" >/dev/null").status == 0)
        // setsid: the readers are a process group of their own (setsid keeps the pid, since a spawned
        // child leads no group), so kill(-readers) ends every reader loop, not only their shell.
        let readers = try #require(
            Shell.spawn(
                [
                    "/usr/bin/setsid", "/bin/bash", "-c",
                    """
                    for i in 1 2 3 4; do (while :; do cat "$M/net/eth0/rx_bytes" >/dev/null 2>&1; done) & done; wait
                    """,
                ], environment: ["M": instance.mountpoint]))
        defer { kill(-readers, SIGKILL); Shell.terminate(readers, signal: SIGKILL) }
        usleep(300_000)
        #expect(Shell.terminate(pid, signal: SIGKILL, grace: 10) != 0)
        #expect(instance.isMountedInKernel)
        let again = instance.ukfs(["mount", "vm1", instance.mountpoint])
        instance.mounted = again.status == 0
        #expect(again.status == 0, "\(again)")
        #expect(again.stderr.contains("left mounted by a ukfs that died; recovering it"), "\(again)")
        #expect(instance.read("libukprint/console_lvl") == "3\n")
        let busy = instance.ukfs(["mount", "vm1", instance.mountpoint])
        #expect(busy.status == 1 && busy.stderr.contains("already mounted"), "a live mount is not stale: \(busy)")
    }

    @Test("a mountpoint inside a ukfs mount is refused with one line")
    func mountInsideMount() throws {
        let instance = try Instance()
        defer { instance.stop() }
        try instance.mount()
        let inside = instance.ukfs(["mount", "vm1", instance.mountpoint + "/libuknetdev"])
        #expect(inside.status == 1 && inside.stderr.split(separator: "\n").count == 1, "\(inside)")
        #expect(inside.stderr.contains("is inside the ukfs mount at \(instance.mountpoint)"), "\(inside)")
        let insideAll = instance.ukfs(["mount", "--all", instance.mountpoint + "/libukalloc"])
        #expect(insideAll.status == 1 && insideAll.stderr.contains("is inside the ukfs mount"), "\(insideAll)")
    }

    @Test("a registry socket owned by another user is refused")
    func foreignRegistryEntry() throws {
        let instance = try Instance()
        defer { instance.stop() }
        try instance.startGuest()
        #expect(chown(instance.socket, 65534, 65534) == 0)
        let result = instance.ukfs(["mount", "vm1", instance.mountpoint])
        #expect(result.status == 1 && result.stderr.contains("belongs to uid 65534"), "\(result)")
        // list applies the same rule, also through a symlink in the registry.
        #expect(symlink(instance.socket, instance.registry + "/vm2.sock") == 0)
        let list = instance.ukfs(["list"])
        let lines = list.stdout.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("vm1 ") && $0.contains("refused: owned by uid 65534") }, "\(list)")
        #expect(lines.contains { $0.hasPrefix("vm2 ") && $0.contains("refused") }, "\(list)")
        #expect(!list.stdout.contains(" answering"), "\(list)")
    }
}
