import Foundation
import Testing

/// The figures of issue 11's acceptance, measured by hand (they depend on the machine, so they are
/// printed, not asserted): `UKFS_MEASURE=1 swift test --filter IsolationMeasurements`.
@Suite("Isolation measurements", .serialized, .enabled(if: ProcessInfo.processInfo.environment["UKFS_MEASURE"] != nil))
struct IsolationMeasurements {
    /// The CPU seconds (user + system) a process has used so far.
    static func cpuSeconds(_ pid: String) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        let ticks = (Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    static func serverPid(_ instance: Instance, _ pattern: String) -> String {
        instance.sh("pgrep -f '\(pattern)' | head -1").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// CPU % of one core the process used over `seconds`.
    static func cpuPercent(_ pid: String, over seconds: Double) -> Double {
        let before = cpuSeconds(pid)
        usleep(UInt32(seconds * 1_000_000))
        return (cpuSeconds(pid) - before) / seconds * 100
    }

    @Test("fake-header stream in an --all mount: reads of the other instance, daemon CPU, recovery")
    func fakeHeaders() throws {
        let instance = try Instance(name: "vm1")
        defer { instance.stop() }
        try instance.startGuest()
        let attacker = try HostileGuest(path: instance.registry + "/vm2.sock", behaviour: .fakeHeaders)
        defer { attacker.stop() }
        try #require(instance.ukfs(["mount", "--all", instance.mountpoint]).status == 0)
        instance.mounted = true
        #expect(Shell.eventually(within: 10) { instance.sh("cat \"$M/vm2/libtest/knob\"").stdout == "1\n" })
        let pid = Self.serverPid(instance, "ukfs mount --all \(instance.mountpoint) --foreground")
        let idle = Self.cpuPercent(pid, over: 5)
        attacker.attacking.store(true, ordering: .relaxed)
        let connectionsBefore = attacker.connectionsAccepted
        let underAttack = Self.cpuPercent(pid, over: 10)
        let attempts = attacker.connectionsAccepted - connectionsBefore
        let reads = instance.sh(
            """
            python3 - <<'PY'
            import time, os
            path = os.environ["M"] + "/vm1/net/eth0/rx_bytes"
            times, failed = [], 0
            for _ in range(1000):
                t = time.perf_counter()
                try:
                    with open(path) as f: f.read()
                except OSError: failed += 1
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            print(f"reads 1000 failed {failed} p50 {times[500]:.2f} ms p99 {times[990]:.2f} ms max {times[-1]:.2f} ms")
            PY
            """, timeout: 300)
        let stopped = Date()
        attacker.attacking.store(false, ordering: .relaxed)
        var recovery = -1.0
        if Shell.eventually(within: 30, { instance.sh("cat \"$M/vm2/libtest/knob\"").status == 0 }) {
            recovery = Date().timeIntervalSince(stopped)
        }
        print(
            "MEASURE fake-headers: \(reads.stdout.trimmingCharacters(in: .whitespacesAndNewlines)); daemon CPU idle \(String(format: "%.1f", idle)) %, under attack \(String(format: "%.1f", underAttack)) % of a core; attacker connections \(attempts) in 10 s; attacked instance reads again \(String(format: "%.2f", recovery)) s after the attack stopped"
        )
    }

    @Test("handshake-then-close guest: reconnects per second after 10 s, log lines per minute")
    func flapping() throws {
        let instance = try Instance()
        defer { instance.stop() }
        let (guest, logLines) = try instance.mountFlapping()
        defer { guest.stop() }
        let pid = Self.serverPid(instance, "ukfs mount vm1 \(instance.mountpoint) --foreground")
        usleep(10_000_000)
        let after10 = guest.connectionsAccepted
        let cpu = Self.cpuPercent(pid, over: 20)
        let after30 = guest.connectionsAccepted
        let lines = logLines().count
        print(
            "MEASURE flapping: \(after10) connections in the first 10 s, \(String(format: "%.2f", Double(after30 - after10) / 20)) reconnects/s from 10 s to 30 s; \(lines) log lines in 30 s (info level) = \(lines * 2) per minute; daemon CPU \(String(format: "%.1f", cpu)) %"
        )
    }

    @Test("time from a signal to the end of each command")
    func signalLatency() throws {
        let instance = try Instance()
        defer { instance.stop() }
        let silent = try HostileGuest(path: instance.folder + "/silent.sock", behaviour: .silent)
        defer { silent.stop() }
        try instance.startGuest()
        var figures: [String] = []
        let commands: [(String, [String])] = [
            ("watch", ["watch", "vm1", "net/eth0/rx_bytes"]),
            ("get (silent guest)", ["get", "unix:" + silent.path, "libtest/value", "--timeout", "60"]),
            ("dump (silent guest)", ["dump", "unix:" + silent.path, "--timeout", "60"]),
            ("export", ["export", "vm1", "--listen", "127.0.0.1:0"]),
            ("sim", ["sim", "vm7", "--socket", instance.folder + "/vm7.sock"]),
        ]
        for (name, arguments) in commands {
            let pid = try #require(Shell.spawn([Paths.ukfs] + arguments, environment: instance.environment))
            usleep(1_000_000)
            let (status, seconds) = SignalTests.signal(pid, SIGINT)
            figures.append("\(name) \(String(format: "%.0f", seconds * 1000)) ms (status \(status))")
        }
        let mount = try #require(instance.spawnMounting(["mount", "vm1", instance.mountpoint, "-f"]))
        let (status, seconds) = SignalTests.signal(mount, SIGINT)
        figures.append("mount -f \(String(format: "%.0f", seconds * 1000)) ms (status \(status))")
        print("MEASURE Ctrl-C: " + figures.joined(separator: "; "))
    }
}
