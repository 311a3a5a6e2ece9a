import Foundation
import Testing
import UKBridge
import UKBridgeClient

/// A guest has one line (`ukfs sim --one-client`, the C agent's host build): whoever holds it
/// shares it, and every command, mount and exporter reaches the guest at the same time.
@Suite("One guest line, shared")
struct SharedLineTests {
    @Test("mounted, then get, watch, dump, set, ls, a second mount and export all work at once", arguments: Backend.allCases)
    func everythingAtOnce(backend: Backend) throws {
        let guest = try Instance(backend).mount()
        defer { guest.stop() }
        let watch = try BackgroundProcess(
            [Paths.ukfs, "watch", "vm1", "print/console_lvl", "--interval", "0.1"],
            environment: guest.environment, outputPath: guest.folder + "/watch.out")
        defer { watch.stop() }
        let second = guest.folder + "/mnt2"
        try FileManager.default.createDirectory(atPath: second, withIntermediateDirectories: true)
        let mounted = guest.ukfs(["mount", "vm1", second])
        #expect(mounted.status == 0, "\(mounted)")
        defer { if guest.ukfs(["umount", second]).status != 0 { Shell.run(["/bin/fusermount3", "-uz", second]) } }
        let (export, url) = try ExportTests.export(guest, ["vm1"])
        defer { export.stop() }

        #expect(ExportTests.value(ExportTests.scrape(url), "ukfs_up{ukstore_instance=\"vm1\"}") == 1)
        #expect(guest.ukfs(["get", "vm1", "print/console_lvl"]).stdout == "3\n")
        let dump = guest.ukfs(["dump", "vm1", "libukprint"])
        #expect(dump.status == 0 && dump.stdout.contains("libukprint/console_lvl 3"), "\(dump)")
        #expect(guest.ukfs(["ls", "vm1", "net"]).stdout.contains("eth0"))
        #expect(Shell.run(["/bin/cat", second + "/net/eth0/rx_bytes"]).status == 0)

        // A set through the command is seen through both mounts at once, and by watch.
        let set = guest.ukfs(["set", "vm1", "print/console_lvl", "6"])
        #expect(set.status == 0, "\(set)")
        #expect(guest.read("print/console_lvl") == "6\n")
        #expect(Shell.run(["/bin/cat", second + "/print/console_lvl"]).stdout == "6\n")
        #expect(Shell.eventually(within: 2) { watch.output.contains("print/console_lvl 6") }, "\(watch.output)")
        #expect(ExportTests.value(ExportTests.scrape(url), "ukstore_console_lvl{ukstore_instance=\"vm1\",library=\"libukprint\"}") == 6)

        // The mount holds the line: watch, the second mount and the exporter share it.
        let state = guest.read(".ukfs/state")
        #expect(state == "connected (shared by 3)\n", "\(state)")
        let other = Shell.run(["/bin/cat", second + "/.ukfs/state"]).stdout
        #expect(other.hasPrefix("connected (shared by 3, line held by pid "), "\(other)")
    }

    @Test("list while mounted: answering, held by the mount's server, its clients counted; --json too")
    func listWhileMounted() throws {
        let guest = try Instance().mount()
        defer { guest.stop() }
        let server = try #require(
            Int32(
                Shell.run("pgrep -f 'ukfs mount vm1 \(guest.mountpoint) --foreground'")
                    .stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        let watch = try BackgroundProcess(
            [Paths.ukfs, "watch", "vm1", "print/console_lvl"],
            environment: guest.environment, outputPath: guest.folder + "/watch.out")
        defer { watch.stop() }
        #expect(Shell.eventually(within: 5) { watch.output.contains("print/console_lvl 3") })

        let list = guest.ukfs(["list"])
        let line = list.stdout.split(separator: "\n").first { $0.hasPrefix("vm1 ") }.map(String.init) ?? ""
        let words = line.split(separator: " ").map(String.init)
        #expect(
            words.count >= 6 && words[1] == "answering" && words[2] == "1" && words[4] == String(server)
                && line.hasSuffix("ukfs mount vm1 \(guest.mountpoint)"), "\(list)")

        let json = guest.ukfs(["list", "--json"])
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]], "\(json)")
        let entry = try #require(parsed.first)
        #expect(entry["name"] as? String == "vm1" && entry["state"] as? String == "answering" && entry["clients"] as? Int == 1)
        let holder = try #require(entry["holder"] as? [String: Any], "\(json)")
        #expect(holder["pid"] as? Int == Int(server))
        #expect(holder["command"] as? String == "ukfs mount vm1 \(guest.mountpoint)")
    }

    @Test(
        "kill -9 of the holder while three clients read: each errs within the timeout, then reads again within 2 s",
        arguments: Backend.allCases)
    func holderKilled(backend: Backend) throws {
        let guest = try Instance(backend)
        defer { guest.stop() }
        try guest.startGuest()
        let holder = try BackgroundProcess(
            [Paths.ukfs, "attach", "vm1"], environment: guest.environment,
            outputPath: guest.folder + "/attach.out")
        defer { holder.stop() }
        #expect(holder.line(startingWith: "ukfs: holding vm1's line") != nil, "\(holder.output)")
        try guest.mountOnly()
        let second = guest.folder + "/mnt2"
        try FileManager.default.createDirectory(atPath: second, withIntermediateDirectories: true)
        #expect(guest.ukfs(["mount", "vm1", second]).status == 0)
        defer { if guest.ukfs(["umount", second]).status != 0 { Shell.run(["/bin/fusermount3", "-uz", second]) } }
        let (export, url) = try ExportTests.export(guest, ["vm1"])
        defer { export.stop() }
        let readers: [(String, () -> Bool)] = [
            ("first mount", { guest.sh("cat \"$M/print/console_lvl\"", timeout: 5).stdout == "3\n" }),
            ("second mount", { Shell.run(["/bin/cat", second + "/print/console_lvl"], timeout: 5).stdout == "3\n" }),
            ("exporter", { ExportTests.value(ExportTests.scrape(url), "ukfs_up{ukstore_instance=\"vm1\"}") == 1 }),
        ]
        for (who, read) in readers { #expect(read(), "\(who) before the kill") }

        kill(holder.pid, SIGKILL)
        // Reads during the outage end (EIO, or already the new line), never hang past the timeout.
        let started = Date()
        let during = guest.sh("cat \"$M/print/console_lvl\"", timeout: 10)
        #expect(Date().timeIntervalSince(started) < 2.5 && during.status != -9, "\(during)")
        for (who, read) in readers {
            #expect(Shell.eventually(within: 2, read), "\(who) did not read again within 2 s of the holder's death")
        }
        // One of the clients took the line over, and shares it; the dead holder's socket blocked nothing.
        let list = guest.ukfs(["list", "--json"])
        #expect(list.stdout.contains("\"state\":\"answering\"") && !list.stdout.contains("\"pid\":\(holder.pid),"), "\(list)")
        #expect(list.stdout.contains("\"clients\":2"), "\(list)")
        #expect(guest.ukfs(["get", "vm1", "print/console_lvl"]).stdout == "3\n")
    }

    @Test("a client that sends garbage, or 10,000 requests at once, is dropped while another reads on")
    func floodingClient() throws {
        let guest = try Instance().mount()
        defer { guest.stop() }
        let second = guest.folder + "/mnt2"
        try FileManager.default.createDirectory(atPath: second, withIntermediateDirectories: true)
        #expect(guest.ukfs(["mount", "vm1", second]).status == 0)
        defer { if guest.ukfs(["umount", second]).status != 0 { Shell.run(["/bin/fusermount3", "-uz", second]) } }
        let share = guest.registry + "/vm1.share"
        let path = second + "/libukalloc/cur_mem_free"

        // What a user of the second mount sees while two clients flood the share: every read
        // answers, with a value. How much slower it answers is a figure ukfs-bench measures
        // against the quiet share in the same run ("flooding clients"), not a test's business.
        for _ in 0..<3 {
            let flood = Flooder(socket: share)
            flood.start()
            // Read once the flood is under way, its threads connecting (a fixed pause can end
            // before a loaded machine has started them, and the reads would be quiet ones).
            #expect(Shell.eventually(within: 20) { flood.connectionsSoFar >= 2 }, "the flood never connected")
            let failures = try Readers.failures(reading: path, times: 500)
            #expect(failures.isEmpty, "reads during the flood: \(failures.prefix(3))")
            let (connections, dropped) = flood.stop()
            #expect(connections > 0 && dropped > 0, "the garbage client was never dropped: \(connections) connections")
        }
        // The guest and the share are none the worse.
        #expect(guest.ukfs(["get", "vm1", "print/console_lvl"]).stdout == "3\n")
        // The clients that just left (the flooders, that get) are counted out as their closes arrive:
        // here at once; within 20 s however loaded the machine (a loaded CI run still counted one
        // after 5 s), and still before the share's 30 s idle close could be what counted them out.
        #expect(
            Shell.eventually(within: 20) {
                Shell.run(["/bin/cat", second + "/.ukfs/state"]).stdout.hasPrefix("connected (shared by 1,")
            }, "\(Shell.run(["/bin/cat", second + "/.ukfs/state"]).stdout)")
    }

    @Test("a holder's SIGKILL leaves a socket that blocks nobody; the next holder replaces it")
    func staleShare() throws {
        let guest = try Instance()
        defer { guest.stop() }
        try guest.startGuest()
        let holder = try BackgroundProcess(
            [Paths.ukfs, "attach", "vm1"], environment: guest.environment,
            outputPath: guest.folder + "/attach.out")
        #expect(holder.line(startingWith: "ukfs: holding") != nil)
        kill(holder.pid, SIGKILL)
        holder.stop()
        #expect(FileManager.default.fileExists(atPath: guest.registry + "/vm1.share"), "a killed holder cannot remove its socket")
        let started = Date()
        #expect(guest.ukfs(["get", "vm1", "print/console_lvl"]).stdout == "3\n")
        #expect(Date().timeIntervalSince(started) < 1.5)
        try guest.mountOnly()
        let state = guest.ukfs(["list"]).stdout
        #expect(state.contains("answering") && state.contains("ukfs mount vm1 \(guest.mountpoint)"), "\(state)")
        #expect(guest.ukfs(["get", "vm1", "print/console_lvl"]).stdout == "3\n")
    }

    @Test("sim --one-client leaves a second direct connection waiting, as QEMU's chardev does")
    func oneClientSimulator() throws {
        let guest = try Instance()
        defer { guest.stop() }
        let socket = guest.folder + "/direct.sock"
        let sim = try BackgroundProcess(
            [Paths.ukfs, "sim", "direct", "--socket", socket, "--one-client"],
            environment: guest.environment, outputPath: guest.folder + "/sim.out")
        defer { sim.stop() }
        #expect(Shell.eventually(within: 10) { FileManager.default.fileExists(atPath: socket) })
        // An address outside the registry has no share: the second connection waits, unanswered.
        #expect(guest.ukfs(["mount", "unix:" + socket, guest.mountpoint]).status == 0)
        guest.mounted = true
        let waiting = guest.ukfs(["get", "unix:" + socket, "print/console_lvl", "--timeout", "0.5"])
        #expect(waiting.status == 1 && waiting.stderr.contains("never completed the ukfs handshake"), "\(waiting)")
        #expect(guest.ukfs(["umount", guest.mountpoint]).status == 0)
        guest.mounted = false
        #expect(guest.ukfs(["get", "unix:" + socket, "print/console_lvl"]).stdout == "3\n")
    }

    // Root, to act as another user.
    @Test("a client of another user is refused by the share, whatever the file modes", .enabled(if: getuid() == 0))
    func otherUserRefused() throws {
        let guest = try Instance().mount()
        defer { guest.stop() }
        let share = guest.registry + "/vm1.share"
        #expect(chmod(guest.folder, 0o711) == 0 && chmod(guest.registry, 0o711) == 0 && chmod(share, 0o666) == 0)
        // As nobody: connected, then closed by the share before any answer.
        let script = "import socket; s=socket.socket(socket.AF_UNIX); s.connect('\(share)'); s.settimeout(3); print(repr(s.recv(64)))"
        let other = Shell.run([
            "/usr/bin/setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", "/usr/bin/python3", "-c", script,
        ])
        #expect(other.stdout == "b''\n", "\(other)")
        #expect(guest.read(".ukfs/state") == "connected\n")
    }
}

/// Tight open/read/close loops, as the benchmark's readers, without a process per read.
enum Readers {
    /// Opens, reads to the end and closes `path` `times` times; says what went wrong with each read
    /// that failed or did not give one number on a line.
    static func failures(reading path: String, times: Int) throws -> [String] {
        var failures: [String] = []
        var buffer = [UInt8](repeating: 0, count: 256)
        for _ in 0..<times {
            let fd = open(path, O_RDONLY)
            guard fd >= 0 else { throw FixtureError("open \(path): \(String(cString: strerror(errno)))") }
            var text: [UInt8] = []
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0 { failures.append("read: \(String(cString: strerror(errno)))") }
                if count <= 0 { break }
                text += buffer[0..<count]
            }
            close(fd)
            let value = String(decoding: text, as: UTF8.self)
            if !value.hasSuffix("\n") || UInt64(value.dropLast()) == nil { failures.append("read \(value.debugDescription)") }
        }
        return failures
    }
}

/// Two hostile clients of a share, reconnecting 20 ms after each time they are dropped: one
/// writes 10,000 pipelined GETs at once and never reads, the other writes garbage.
final class Flooder: @unchecked Sendable {
    // @unchecked: the flag and the counters live under `stopping`; `threads`, only the test's thread touches.
    private let socket: String
    private let stopping = NSLock()
    private var stopped = false
    private var connections = 0
    private var dropped = 0
    private var threads: [Thread] = []
    private let done = DispatchGroup()

    init(socket: String) { self.socket = socket }

    func start() {
        for garbage in [false, true] {
            done.enter()
            let thread = Thread { [self] in
                while !isStopped { once(garbage: garbage) }
                done.leave()
            }
            threads.append(thread)
            thread.start()
        }
    }

    private var isStopped: Bool { stopping.withLock { stopped } }

    /// Connections made so far, by both flooding threads.
    var connectionsSoFar: Int { stopping.withLock { connections } }

    /// (connections made, connections the share dropped)
    func stop() -> (Int, Int) {
        stopping.withLock { stopped = true }
        done.wait()
        return stopping.withLock { (connections, dropped) }
    }

    private func once(garbage: Bool) {
        guard let fd = try? UnixSocket.connect(to: socket, nonBlocking: false) else {
            usleep(10_000)
            return
        }
        defer { close(fd) }
        stopping.withLock { connections += 1 }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let bytes: [UInt8]
        if garbage {
            bytes = (0..<65536).map { _ in UInt8.random(in: 0...255) }
        } else {
            var frames = FrameEncoder.frame(request: .hello(minVersion: 1, maxVersion: 1, maxPayload: 65535), rid: 1)
            for rid in 0..<10_000 {
                var frame = FrameEncoder.frame(request: .get([.staticEntry(lib: 1, entry: 1)]), rid: UInt16(rid % 65000 + 2))
                frames.writeBuffer(&frame)
            }
            bytes = frames.readBytes(length: frames.readableBytes) ?? []
        }
        while !isStopped {
            let sent = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK {
                stopping.withLock { dropped += 1 }
                // Back at it soon, not in a tight loop: a local process spinning on connect()
                // would take the CPU from everyone, which no share can prevent.
                usleep(20_000)
                return
            }
        }
    }
}
