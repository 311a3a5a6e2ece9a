import Foundation
import NIOCore
import Synchronization
import UKBridge

/// A guest double that misbehaves on purpose, serving a tiny store over a Unix socket from threads
/// of the test process (the mount under test is a separate `ukfs` process, so no deadlock).
/// Store: library 0 `libtest` with `value` (u64, id 1, rises on every read), `knob` (u8, id 2, rw)
/// and `label` (charp, id 3, rw). It announces max_string 1024.
final class HostileGuest: @unchecked Sendable {
    enum Behaviour: Sendable {
        /// Answers correctly.
        case normal
        /// Accepts connections and never sends a byte.
        case silent
        /// Answers every frame with noise.
        case garbage
        /// Answers all but GET, which it never answers.
        case stallGets
        /// Answers GET one byte every 50 ms.
        case dribbleGets
        /// Lists names a filesystem must never show, beside good ones.
        case evilNames
        /// After WATCH, floods events and answers to requests never made, then behaves.
        case flood
        /// While `attacking`, streams fake frame headers (`U K ff ff <valid header CRC>`: each claims
        /// a 64 KiB frame) at full speed on every connection and answers nothing; else behaves.
        case fakeHeaders
        /// Completes the handshake, then hangs up at once: a guest that flaps.
        case flapping
        /// `label` reads as a string over the announced max_string, then one with a NUL, in turn.
        case badStrings
        /// `label` reads as 5,000 bytes: over the protocol's 4,096 too, so an answer that holds it
        /// is malformed as a whole.
        case hugeString
        /// After WATCH, while `attacking`, streams object events (about 50,000 a second) for as long as the host reads them.
        case eventStorm
    }

    /// For `.fakeHeaders` and `.eventStorm`: whether the attack is on.
    let attacking = Atomic<Bool>(false)

    let path: String
    let behaviour: Behaviour
    let bootID: UInt64
    private let listener: Int32
    private let stopped = Atomic<Bool>(false)
    private let connections = Mutex<[Int32]>([])
    private let reads = Atomic<UInt64>(0)
    private let knob = Atomic<UInt8>(1)
    private let label = Mutex<[UInt8]>(Array("hostile".utf8))
    private let setCount = Atomic<Int>(0)
    private let accepted = Atomic<Int>(0)

    /// SET requests received, on every connection: what a host let through to the setters.
    var sets: Int { setCount.load(ordering: .relaxed) }
    /// Connections accepted so far.
    var connectionsAccepted: Int { accepted.load(ordering: .relaxed) }
    var knobValue: UInt8 { knob.load(ordering: .relaxed) }

    init(path: String, behaviour: Behaviour, bootID: UInt64 = .random(in: 1...UInt64.max)) throws {
        self.path = path
        self.behaviour = behaviour
        self.bootID = bootID
        unlink(path)
        listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw FixtureError("socket path too long") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, listen(listener, 8) == 0 else { throw FixtureError("cannot listen on \(path)") }
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    func stop() {
        stopped.store(true, ordering: .releasing)
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        // Under the lock that serve() closes under: a descriptor number it closed may already be
        // another test's socket (Shell.run's socketpairs), and shutting that down broke its pipe.
        connections.withLock { open in open.forEach { shutdown($0, Int32(SHUT_RDWR)) } }
        unlink(path)
    }

    private func acceptLoop() {
        while !stopped.load(ordering: .acquiring) {
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else { return }
            connections.withLock { $0.append(fd) }
            accepted.add(1, ordering: .relaxed)
            let thread = Thread { [self] in serve(fd) }
            thread.start()
        }
    }

    private func serve(_ fd: Int32) {
        let ended = EndFlag(withStreamer: behaviour == .fakeHeaders || behaviour == .eventStorm)
        if behaviour == .fakeHeaders {
            Thread { [self] in stream(fd, until: ended) }.start()
        }
        let watched = EventsWanted()
        if behaviour == .eventStorm {
            Thread { [self] in storm(fd, until: ended, once: watched) }.start()
        }
        defer {
            // The streamer writes to this descriptor: close it only once the streamer is done.
            ended.end()
            connections.withLock { open in
                open.removeAll { $0 == fd }
                close(fd)
            }
        }
        var receiver = FrameReceiver()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !stopped.load(ordering: .acquiring) {
            let count = read(fd, &chunk, chunk.count)
            guard count > 0 else { return }
            if behaviour == .silent { continue }
            receiver.append(Array(chunk[0..<count]))
            while let payload = receiver.nextPayload() {
                guard case .request(let rid, let request) = MessageCodec.decode(payload) else { continue }
                if behaviour == .garbage {
                    transmit(fd, (0..<200).map { _ in UInt8.random(in: 0...255) })
                    continue
                }
                if behaviour == .fakeHeaders && attacking.load(ordering: .relaxed) { continue }
                respond(fd, rid: rid, request: request)
                if case .watch = request { watched.raise() }
                if behaviour == .flapping, case .hello = request { return }
            }
        }
    }

    private func respond(_ fd: Int32, rid: UInt16, request: Request) {
        switch request {
        case .hello:
            answer(
                fd, rid,
                .hello(
                    HelloInfo(
                        version: 1, maxPayload: 4096, maxBatch: 64, maxString: 1024,
                        bootID: bootID, generation: 1, name: Array("hostile".utf8))))
        case .list(.root, _):
            var children = [ListedChild(kind: .library, id: 0, name: Array("libtest".utf8))]
            if behaviour == .evilNames {
                let names: [[UInt8]] =
                    ["a/b", "..", ".", "x\0y", "libtest", "good", "esc\u{1b}[31mred", "c1\u{9b}2J"].map { Array($0.utf8) }
                    + [[0x62, 0x61, 0x64, 0xFF, 0xFE]]   // not UTF-8
                for (index, name) in names.enumerated() {
                    children.append(ListedChild(kind: .library, id: UInt64(10 + index), name: name))
                }
            }
            answer(fd, rid, .list(ListPage(generation: 1, total: children.count, children: children)))
        case .list(.library(let lib), _):
            guard lib == 0 || (behaviour == .evilNames && lib >= 10) else {
                return answer(fd, rid, .failure(.list, errno: WireErrno.ENOENT))
            }
            answer(
                fd, rid,
                .list(
                    ListPage(
                        generation: 1, total: 3,
                        children: [
                            ListedChild(kind: .entry, id: 1, type: .u64, access: .readable, name: Array("value".utf8)),
                            ListedChild(kind: .entry, id: 2, type: .u8, access: [.readable, .writable], name: Array("knob".utf8)),
                            ListedChild(kind: .entry, id: 3, type: .charp, access: [.readable, .writable], name: Array("label".utf8)),
                        ])))
        case .list:
            answer(fd, rid, .failure(.list, errno: WireErrno.ENOENT))
        case .get(let refs):
            if behaviour == .stallGets { return }
            let results = refs.map { ref -> EntryResult in
                switch ref.entry {
                case 1: .value(.unsigned(.u64, reads.add(1, ordering: .relaxed).newValue))
                case 2: .value(.unsigned(.u8, UInt64(knob.load(ordering: .relaxed))))
                case 3 where behaviour == .badStrings:
                    .value(
                        .charp(
                            reads.add(1, ordering: .relaxed).newValue % 2 == 1
                                ? [UInt8](repeating: 0x78, count: 2000) : Array("a\0b".utf8)))
                case 3 where behaviour == .hugeString: .value(.charp([UInt8](repeating: 0x78, count: 5000)))
                case 3: .value(.charp(label.withLock { $0 }))
                default: .error(WireErrno.ENOENT)
                }
            }
            let frame = Array(FrameEncoder.frame(answer: .get(results), rid: rid).readableBytesView)
            if behaviour == .dribbleGets {
                // Slowly, from another thread, so other requests keep being served.
                Thread {
                    for byte in frame {
                        usleep(50_000)
                        self.transmit(fd, [byte])
                    }
                }.start()
                return
            }
            transmit(fd, frame)
        case .set(let ref, let value):
            setCount.add(1, ordering: .relaxed)
            switch (ref.entry, value) {
            case (2, .unsigned(.u8, let number)): knob.store(UInt8(number), ordering: .relaxed)
            case (3, .charp(let text)): label.withLock { $0 = text }
            default: return answer(fd, rid, .failure(.set, errno: WireErrno.EACCES))
            }
            answer(fd, rid, .set)
        case .watch:
            answer(fd, rid, .watch(generation: 1))
            if behaviour == .flood { flood(fd) }
        case .ping:
            answer(fd, rid, .ping(generation: 1))
        }
    }

    /// The fake-header stream, 64 KiB at a time, for as long as the attack is on and the host reads.
    private func stream(_ fd: Int32, until ended: EndFlag) {
        let length: UInt16 = 0xFFFF
        let header: [UInt8] = [FrameEncoder.magic0, FrameEncoder.magic1, 0xFF, 0xFF, Checksum.crc8(length: length)]
        let chunk = Array([[UInt8]](repeating: header, count: 65536 / header.count).joined())
        while !ended.isEnded && !stopped.load(ordering: .acquiring) {
            if attacking.load(ordering: .relaxed) {
                if !transmit(fd, chunk) { usleep(10_000) }
            } else {
                usleep(5_000)
            }
        }
        ended.streamerDone()
    }

    /// Created and released events of one object of `libtest`, 500 frames a write, once WATCHed.
    private func storm(_ fd: Int32, until ended: EndFlag, once watched: EventsWanted) {
        var bytes: [UInt8] = []
        for index in 0..<500 {
            let event = ObjectEvent(
                kind: index % 2 == 0 ? .created : .released, lib: 0, object: 1, generation: UInt64(index + 2),
                name: Array("storm".utf8))
            bytes += FrameEncoder.frame(event: event).readableBytesView
        }
        while !ended.isEnded && !stopped.load(ordering: .acquiring) {
            if watched.isRaised && attacking.load(ordering: .relaxed) {
                // About 50,000 events a second, the storm: it swamps a client that does
                // not read without taking a small machine's CPUs from the tests beside this one.
                if !transmit(fd, bytes) { usleep(10_000) }
                usleep(10_000)
            } else {
                usleep(5_000)
            }
        }
        ended.streamerDone()
    }

    /// Events for objects that do not exist, and answers nobody asked for.
    private func flood(_ fd: Int32) {
        var bytes: [UInt8] = []
        for index in 0..<2000 {
            let event = ObjectEvent(
                kind: index % 2 == 0 ? .created : .released, lib: UInt64(index % 7),
                object: UInt64(index), generation: UInt64(index + 2), name: Array("obj\(index)".utf8))
            bytes += FrameEncoder.frame(event: event).readableBytesView
            bytes += FrameEncoder.frame(answer: .get([.value(.unsigned(.u64, 1))]), rid: UInt16(1000 + index)).readableBytesView
        }
        transmit(fd, bytes)
    }

    private func answer(_ fd: Int32, _ rid: UInt16, _ answer: Answer) {
        transmit(fd, Array(FrameEncoder.frame(answer: answer, rid: rid).readableBytesView))
    }

    private let writeLock = NSLock()

    /// Writes all of `bytes`; MSG_NOSIGNAL so a host that hung up cannot SIGPIPE the test runner.
    @discardableResult
    private func transmit(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        writeLock.lock()
        defer { writeLock.unlock() }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written <= 0 { return false }
            offset += written
        }
        return true
    }
}

/// One connection's end, shared by its reader and its streamer thread: the reader waits for the
/// streamer to stop before closing the descriptor, which could otherwise be reused meanwhile.
private final class EndFlag: @unchecked Sendable {
    // @unchecked: state behind the condition's lock.
    private let condition = NSCondition()
    private var ended = false
    private var streamerRunning: Bool

    init(withStreamer: Bool) { streamerRunning = withStreamer }

    var isEnded: Bool {
        condition.lock()
        defer { condition.unlock() }
        return ended
    }

    /// Marks the end; waits for the streamer, if one runs, to finish.
    func end() {
        condition.lock()
        ended = true
        while streamerRunning { condition.wait() }
        condition.unlock()
    }

    func streamerDone() {
        condition.lock()
        streamerRunning = false
        condition.broadcast()
        condition.unlock()
    }
}

/// Set once a connection's host has sent WATCH.
private final class EventsWanted: Sendable {
    private let raised = Atomic<Bool>(false)
    func raise() { raised.store(true, ordering: .relaxed) }
    var isRaised: Bool { raised.load(ordering: .relaxed) }
}

extension Instance {
    /// A guest that handshakes and hangs up at once, at this instance's socket, and a mount of it
    /// that logs at info level: what the flapping test and its measurement both watch.
    func mountFlapping() throws -> (guest: HostileGuest, logLines: () -> [Substring]) {
        let guest = try HostileGuest(path: socket, behaviour: .flapping)
        let log = folder + "/mount.log"
        do {
            try mountOnly(options: ["-o", "log=\(log)", "--log-level", "info"])
        } catch {
            guest.stop()
            throw error
        }
        return (guest, { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n") })
    }
}
