import Foundation
import Testing

/// One hostile guest must not cost the host a core, nor hold up another instance: a stream of fake
/// frame headers, and a guest that handshakes and hangs up at once. These tests assert behaviour
/// and counts with generous bounds; the speed and CPU figures are measured by hand (the issue's
/// acceptance: p99 of 1,000 reads under attack, the daemon's CPU, reconnects per second).
@Suite("Isolation from a hostile guest", .serialized)
struct IsolationTests {
    @Test("with a fake-header stream in an --all mount, every read of the other instance succeeds; the attacked one recovers")
    func fakeHeadersInMountAll() throws {
        let instance = try Instance(name: "vm1")
        defer { instance.stop() }
        try instance.startGuest()
        let attacker = try HostileGuest(path: instance.registry + "/vm2.sock", behaviour: .fakeHeaders)
        defer { attacker.stop() }
        let mount = instance.ukfs(["mount", "--all", instance.mountpoint, "-o", "timeout=1"])
        instance.mounted = mount.status == 0
        try #require(mount.status == 0, "\(mount)")
        #expect(Shell.eventually(within: 10) { instance.sh("cat \"$M/vm2/libtest/knob\"").stdout == "1\n" })

        attacker.attacking.store(true, ordering: .relaxed)
        let connectionsBefore = attacker.connectionsAccepted
        let attacked = instance.sh("cat \"$M/vm2/libtest/value\"", timeout: 30)
        #expect(attacked.status != 0 && attacked.stderr.contains("Input/output error"), "EIO within the bound: \(attacked)")
        // 300 reads of the well-behaved instance while the attack runs: none may fail.
        let reads = instance.sh(
            """
            failed=0
            for i in $(seq 300); do cat "$M/vm1/net/eth0/rx_bytes" >/dev/null || failed=$((failed + 1)); done
            echo $failed
            """, timeout: 120)
        #expect(reads.stdout == "0\n", "\(reads)")
        let state = instance.read("vm2/.ukfs/state")
        #expect(!state.hasPrefix("connected\n"), "the attacked connection is dropped: \(state)")
        // Dropped and backed off, not retried in a loop.
        let attempts = attacker.connectionsAccepted - connectionsBefore
        #expect(attempts >= 1 && attempts < 60, "\(attempts) connections during the attack")

        attacker.attacking.store(false, ordering: .relaxed)
        #expect(
            Shell.eventually(within: 10) { instance.sh("cat \"$M/vm2/libtest/knob\"").stdout == "1\n" },
            "the attacked instance reads again once its guest behaves")
        #expect(instance.sh("cat \"$M/vm1/libukprint/console_lvl\"").stdout == "3\n")
    }

    @Test("a single mount under a fake-header stream answers EIO within the bound, then recovers")
    func fakeHeadersSingleMount() throws {
        let instance = try Instance()
        defer { instance.stop() }
        let attacker = try HostileGuest(path: instance.socket, behaviour: .fakeHeaders)
        defer { attacker.stop() }
        try instance.mountOnly(options: ["-o", "timeout=1"])
        attacker.attacking.store(true, ordering: .relaxed)
        for _ in 0..<5 {
            let read = instance.sh("cat \"$M/libtest/value\"", timeout: 30)
            #expect(read.status != 0 && read.stderr.contains("Input/output error"), "\(read)")
        }
        #expect(instance.read(".ukfs/name") == "vm1\n", "the mount itself still serves")
        attacker.attacking.store(false, ordering: .relaxed)
        #expect(Shell.eventually(within: 10) { instance.sh("cat \"$M/libtest/knob\"").stdout == "1\n" })
    }

    @Test("a guest that handshakes and hangs up is backed off, and its log stays short")
    func flappingGuest() throws {
        let instance = try Instance()
        defer { instance.stop() }
        let (guest, logLines) = try instance.mountFlapping()
        defer { guest.stop() }
        usleep(8_000_000)
        let connections = guest.connectionsAccepted
        // Backoff 0.1, 0.2, 0.4, 0.8, then 1.6 s: about 9 in 8 s (it was thousands); at least the
        // mount's own and one retry, however loaded the machine.
        #expect(connections >= 2 && connections <= 20, "\(connections) connections in 8 s")
        let lines = logLines()
        #expect(lines.count <= 12, "\(lines.count) log lines: \(lines.prefix(20).joined(separator: "\n"))")
        #expect(instance.read(".ukfs/name") == "vm1\n")
    }
}
