import Foundation
import UKBridge
import UKBridgeClient

/// `ukfs-bench --hostile`: what local processes that push back on a share cost its holder (issue
/// 19). A one-client simulator is held by a mount's server, then by `ukfs attach`; one local
/// client floods the share with STATUS or unknown-type frames for `seconds` without reading a byte,
/// coming straight back whenever the share closes it, while the holder's RSS and CPU are sampled
/// and a `ukfs get` is timed. Then 64 clients that never say HELLO, and 64 that idle after it: how
/// long until the share has closed them all, and whether the next `ukfs get` works.
enum HostileClients {
    struct Flood {
        let holder: String
        let frames: String
        let startKiB: Int
        let peakKiB: Int
        let afterKiB: Int
        let cpuPercent: Double
        let getSeconds: Double?
        let reconnects: Int
    }

    struct Idle {
        let kind: String
        let fullMessage: Bool
        let closedAfter: Double?
        let getWorks: Bool
    }

    /// STATUS and an unknown type, the frames the issue was found with.
    static let status: [UInt8] = [0x55, 0x4b, 0x03, 0x00, 0x3f, 0x07, 0x05, 0x00, 0x92, 0x42]
    static let unknown: [UInt8] = [0x55, 0x4b, 0x03, 0x00, 0x3f, 0x33, 0x06, 0x00, 0xa4, 0x0e]

    static func run(seconds: Double) throws -> String {
        let workspace = try Workspace()
        defer { workspace.remove() }
        var floods: [Flood] = []
        for (holder, frames) in [("mount", "STATUS"), ("mount", "unknown type"), ("attach", "STATUS")] {
            BenchRun.progress("hostile share clients: \(holder) holder, \(frames) flood for \(seconds) s")
            floods.append(try flood(workspace, holder: holder, frames: frames, seconds: seconds))
        }
        BenchRun.progress("hostile share clients: 64 silent, then 64 idle clients")
        let idle = try idleClients(workspace)
        return render(floods, idle, seconds: seconds)
    }

    // MARK: the rig

    private final class Rig {
        let registry: String
        let mountpoint: String
        let ukfs: String
        var environment: [String: String] { ["UKFS_RUNTIME_DIR": registry] }
        var share: String { registry + "/vm1.share" }
        private var processes: [Process] = []
        private var mounted = false
        private(set) var holderPID: pid_t = 0

        init(_ workspace: Workspace, holder: String) throws {
            ukfs = workspace.ukfs
            registry = try workspace.directory("hostile-\(holder)-\(UInt32.random(in: 0...UInt32.max))")
            chmod(registry, 0o700)
            mountpoint = try workspace.directory("hostile-mnt-\(UInt32.random(in: 0...UInt32.max))")
            do {
                processes.append(try Programs.start([ukfs, "sim", "vm1", "--one-client"], environment: environment))
                guard Programs.eventually(within: 10, { FileManager.default.fileExists(atPath: self.registry + "/vm1.sock") }) else {
                    throw BenchError("ukfs sim vm1 --one-client did not register")
                }
                let arguments = holder == "mount" ? [ukfs, "mount", "vm1", mountpoint, "-f"] : [ukfs, "attach", "vm1"]
                let process = try Programs.start(arguments, environment: environment)
                processes.append(process)
                mounted = holder == "mount"
                holderPID = process.processIdentifier
                guard Programs.eventually(within: 15, { FileManager.default.fileExists(atPath: self.share) }) else {
                    throw BenchError("\(holder) did not share vm1's line")
                }
                Thread.sleep(forTimeInterval: 1)
            } catch {
                stop()
                throw error
            }
        }

        /// `ukfs get vm1 print/console_lvl`: its time when it printed the value, else nil.
        func timedGet() -> Double? {
            let started = Date()
            guard let output = try? Programs.run([ukfs, "get", "vm1", "print/console_lvl"], environment: environment),
                output.status == 0, output.text == "3\n"
            else { return nil }
            return Date().timeIntervalSince(started)
        }

        func stop() {
            if mounted { _ = try? Programs.run([ukfs, "umount", mountpoint]) }
            for process in processes.reversed() { Programs.stop(process) }
            if Mountpoints.isMounted(mountpoint) { Mountpoints.lazyUnmount(mountpoint) }
            processes.removeAll()
            mounted = false
        }
    }

    // MARK: measurements

    private static func flood(_ workspace: Workspace, holder: String, frames: String, seconds: Double) throws -> Flood {
        let rig = try Rig(workspace, holder: holder)
        defer { rig.stop() }
        let pid = rig.holderPID
        guard let start = Proc.rssKiB(pid), let cpuBefore = Proc.cpuSeconds(pid) else { throw BenchError("cannot read /proc/\(pid)") }
        let chunk = Array([[UInt8]](repeating: frames == "STATUS" ? status : unknown, count: 1600).joined())
        var peak = start
        var reconnects = 0
        var client = RawClient(path: rig.share)
        let end = Date().addingTimeInterval(seconds)
        var nextSample = Date()
        while Date() < end {
            switch client?.send(chunk) {
            case .some(true): break
            case .some(false): usleep(1_000)   // full: the share does not read it
            case .none:
                // Closed by the share (no HELLO within 5 s): an attacker comes straight back.
                reconnects += 1
                client = RawClient(path: rig.share)
                if client == nil { usleep(10_000) }
            }
            if Date() >= nextSample {
                peak = max(peak, Proc.rssKiB(pid) ?? peak)
                nextSample = Date().addingTimeInterval(0.5)
            }
        }
        let cpu = ((Proc.cpuSeconds(pid) ?? cpuBefore) - cpuBefore) / seconds * 100
        let get = rig.timedGet()
        client = nil
        Thread.sleep(forTimeInterval: 3)
        return Flood(
            holder: holder, frames: frames, startKiB: start, peakKiB: peak, afterKiB: Proc.rssKiB(pid) ?? peak,
            cpuPercent: cpu, getSeconds: get, reconnects: reconnects)
    }

    private static func idleClients(_ workspace: Workspace) throws -> [Idle] {
        let rig = try Rig(workspace, holder: "mount")
        defer { rig.stop() }
        var hello = FrameEncoder.frame(request: .hello(minVersion: 1, maxVersion: 1, maxPayload: 65535), rid: 1)
        let helloBytes = hello.readBytes(length: hello.readableBytes) ?? []
        var results: [Idle] = []
        for greet in [false, true] {
            var clients: [RawClient] = []
            for _ in 0..<64 {
                guard let client = RawClient(path: rig.share) else { throw BenchError("cannot connect to \(rig.share)") }
                if greet { _ = client.send(helloBytes) }
                clients.append(client)
            }
            let opened = Date()
            let full = (try? Programs.run([rig.ukfs, "get", "vm1", "print/console_lvl"], environment: rig.environment))
            // What the get said went to stderr; its failure while they hold every slot is the point.
            let refused = full?.status == 1
            let closed = Programs.eventually(within: 45) { clients.allSatisfy(\.isClosedByPeer) }
            let after = closed ? Date().timeIntervalSince(opened) : nil
            results.append(
                Idle(
                    kind: greet ? "64 idle after HELLO" : "64 that never send HELLO", fullMessage: refused, closedAfter: after,
                    getWorks: rig.timedGet() != nil))
        }
        return results
    }

    // MARK: the report

    private static func render(_ floods: [Flood], _ idle: [Idle], seconds: Double) -> String {
        var lines: [String] = []
        lines.append("hostile share clients: one local client floods the share for \(seconds) s without reading (holder RSS, KiB)")
        lines.append("")
        lines.append("| holder | frames | RSS start | peak during | 3 s after | holder CPU | ukfs get meanwhile | closed by the share |")
        lines.append("|---|---|---:|---:|---:|---:|---:|---:|")
        for flood in floods {
            let get = flood.getSeconds.map { String(format: "%.2f s", $0) } ?? "failed"
            lines.append(
                "| \(flood.holder) | \(flood.frames) | \(flood.startKiB) | \(flood.peakKiB) | \(flood.afterKiB) | "
                    + String(format: "%.0f %%", flood.cpuPercent) + " | \(get) | \(flood.reconnects) |")
        }
        lines.append("")
        lines.append("| clients that hold every slot | ukfs get refused meanwhile | all closed by the share after | ukfs get then |")
        lines.append("|---|---|---:|---|")
        for row in idle {
            let closed = row.closedAfter.map { String(format: "%.1f s", $0) } ?? "not within 45 s"
            lines.append("| \(row.kind) | \(row.fullMessage ? "yes" : "no") | \(closed) | \(row.getWorks ? "works" : "FAILS") |")
        }
        lines.append("")
        lines.append("| target | wanted | measured | |")
        lines.append("|---|---|---|---|")
        let worstPeak = floods.map { $0.peakKiB - $0.startKiB }.max() ?? 0
        let worstAfter = floods.map { $0.afterKiB - $0.startKiB }.max() ?? 0
        func verdict(_ ok: Bool) -> String { ok ? "pass" : "MISS" }
        lines.append(
            "| holder RSS under each flood, above its start | ≤ 32 MiB | \(worstPeak / 1024) MiB | \(verdict(worstPeak <= 32 * 1024)) |")
        lines.append(
            "| holder RSS after each flood, above its start | ≤ 32 MiB | \(worstAfter / 1024) MiB | \(verdict(worstAfter <= 32 * 1024)) |")
        let gets = floods.allSatisfy { $0.getSeconds != nil }
        lines.append("| ukfs get during each flood | works | \(gets ? "works" : "failed") | \(verdict(gets)) |")
        for (row, limit) in zip(idle, [5.0, 30.0]) {
            let ok = (row.closedAfter ?? .infinity) <= limit + 0.5 && row.getWorks
            let measured = row.closedAfter.map { String(format: "%.1f s", $0) } ?? "—"
            lines.append("| \(row.kind): closed, then ukfs get works | ≤ \(Int(limit)) s | \(measured) | \(verdict(ok)) |")
        }
        return lines.joined(separator: "\n")
    }
}

/// A share client on a non-blocking socket that writes what it likes and never reads.
private final class RawClient {
    private let fd: Int32

    init?(path: String) {
        // Connected blocking, as a plain client waits for a busy listener; then left non-blocking.
        guard let connected = try? UnixSocket.connect(to: path, nonBlocking: false) else { return nil }
        fd = connected
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    /// True when some bytes went, false when the socket is full, nil when the share closed it.
    func send(_ bytes: [UInt8]) -> Bool? {
        let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if sent >= 0 { return true }
        return errno == EAGAIN || errno == EWOULDBLOCK ? false : nil
    }

    /// Whether the share closed this connection (reads what is pending to find out).
    var isClosedByPeer: Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { return true }
            if count < 0 { return errno != EAGAIN && errno != EWOULDBLOCK }
        }
    }

    deinit { close(fd) }
}

/// A process's resident memory and CPU time, from /proc.
private enum Proc {
    static func rssKiB(_ pid: pid_t) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        return status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
            .flatMap { $0.split(separator: " ").dropFirst().first }.flatMap { Int($0) }
    }

    static func cpuSeconds(_ pid: pid_t) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
