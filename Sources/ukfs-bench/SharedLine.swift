import Foundation
import Synchronization
import UKBridge
import UKBridgeClient
import UKGuestTree

/// Issue 10's figures: what sharing a guest's one line costs and saves.
enum SharedLine {
    struct Figures: Sendable, Codable {
        /// `ukfs get` of one entry: while a mount holds the line (through its share), and of an
        /// identical guest nobody holds (its own handshake), mean of the runs.
        let getSharedMilliseconds: Double
        let getAloneMilliseconds: Double
        /// Clients each reading the same entries in a loop through one share.
        let clients: Int
        let entries: Int
        let clientGets: Int
        let lineRequests: Int
        /// One client alone through the share: mean time of its GET (one round trip).
        let soloMicroseconds: Double
        /// Every client at once: waits, in µs.
        let p99Microseconds: Double
        let maxMicroseconds: Double
        /// Reads through the share (1 thread), quiet and while other clients flood it.
        let quietReadsPerSecond: Double
        let floodedReadsPerSecond: Double

        var mergeRatio: Double { Double(lineRequests) / Double(max(clientGets, 1)) }
        var getRatio: Double { getSharedMilliseconds / max(getAloneMilliseconds, 0.001) }
        var floodSlowdown: Double { quietReadsPerSecond / max(floodedReadsPerSecond, 1) }
    }

    static func run(_ rig: SharedLineRig, quick: Bool, seconds: Double) async throws -> Figures {
        let (shared, alone) = commandCost(rig, runs: quick ? 3 : 20)
        let merge = try await merging(rig, clients: 8, entries: 50, seconds: quick ? 0.2 : seconds)
        let flood = flooding(rig, seconds: quick ? 0.2 : seconds, rounds: quick ? 1 : 3)
        return Figures(
            getSharedMilliseconds: shared, getAloneMilliseconds: alone, clients: 8, entries: merge.entries,
            clientGets: merge.clientGets, lineRequests: merge.lineRequests, soloMicroseconds: merge.solo,
            p99Microseconds: merge.p99, maxMicroseconds: merge.max,
            quietReadsPerSecond: flood.quiet, floodedReadsPerSecond: flood.flooded)
    }

    /// Mean wall time of `ukfs get NAME libukalloc/cur_mem_free`, alternating the two guests.
    private static func commandCost(_ rig: SharedLineRig, runs: Int) -> (Double, Double) {
        var shared: [Double] = []
        var alone: [Double] = []
        for _ in 0..<runs {
            for (name, into) in [("shared", 0), ("alone", 1)] {
                let started = Clock.seconds()
                guard rig.ukfsCommand(["get", name, "libukalloc/cur_mem_free"]) else { continue }
                let elapsed = (Clock.seconds() - started) * 1000
                if into == 0 { shared.append(elapsed) } else { alone.append(elapsed) }
            }
        }
        func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }
        return (mean(shared), mean(alone))
    }

    /// `clients` connections to the share, each reading the same `entries` entries in a loop.
    private static func merging(
        _ rig: SharedLineRig, clients: Int, entries: Int, seconds: Double
    ) async throws
        -> (entries: Int, clientGets: Int, lineRequests: Int, solo: Double, p99: Double, max: Double)
    {
        var connections: [BridgeConnection] = []
        defer { for connection in connections { connection.close() } }
        for _ in 0..<clients {
            connections.append(try await Guest.connect(socket: rig.share, purpose: "shared line"))
        }
        let all = try await GuestTree(connection: connections[0], timeout: .seconds(5)).entries()
        let refs = all.filter { $0.access.contains(.readable) }.prefix(entries).map(\.ref)
        let solo = await loop(connections[0], refs: refs, seconds: seconds / 2)
        guard let before = ShareStatus.query(ShareLocation(folder: rig.registry, name: "shared")) else {
            throw BenchError("the share of the shared line does not answer STATUS")
        }
        let waits = await withTaskGroup(of: [Double].self) { group in
            for connection in connections { group.addTask { await loop(connection, refs: refs, seconds: seconds) } }
            var waits: [Double] = []
            for await some in group { waits += some }
            return waits
        }
        guard let after = ShareStatus.query(ShareLocation(folder: rig.registry, name: "shared")) else {
            throw BenchError("the share of the shared line does not answer STATUS")
        }
        let sorted = waits.sorted()
        let p99 = sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, sorted.count * 99 / 100)]
        let soloMean = solo.isEmpty ? 0 : solo.reduce(0, +) / Double(solo.count)
        return (
            refs.count, after.clientRequests - before.clientRequests, after.lineRequests - before.lineRequests,
            soloMean, p99, sorted.last ?? 0
        )
    }

    /// GETs of `refs`, one after another, for `seconds`; the time each took, in µs.
    private static func loop(_ connection: BridgeConnection, refs: [EntryRef], seconds: Double) async -> [Double] {
        var waits: [Double] = []
        let end = Clock.seconds() + seconds
        while Clock.seconds() < end {
            let started = Clock.seconds()
            guard case .success(.get) = await connection.send(.get(refs), timeout: .seconds(5)) else { break }
            waits.append((Clock.seconds() - started) * 1e6)
        }
        return waits
    }

    /// Reads through the share, quiet and while a garbage client and a 10,000-request client
    /// hammer it, in alternating rounds; medians.
    private static func flooding(_ rig: SharedLineRig, seconds: Double, rounds: Int) -> (quiet: Double, flooded: Double) {
        let path = rig.clientMount + "/libukalloc/cur_mem_free"
        var quiet: [Double] = []
        var flooded: [Double] = []
        for _ in 0..<rounds {
            quiet.append(ReaderLoop.measure(path, threads: 1, budget: .seconds(seconds)).perSecond)
            let flood = FloodingClients(socket: rig.share)
            flood.start()
            usleep(200_000)
            flooded.append(ReaderLoop.measure(path, threads: 1, budget: .seconds(seconds)).perSecond)
            flood.stop()
        }
        return (ReaderSuite.median(quiet), ReaderSuite.median(flooded))
    }
}

/// Two hostile clients of a share, back 20 ms after each time they are dropped: one writes
/// 10,000 pipelined GETs at once and never reads its answers, the other writes garbage.
final class FloodingClients: Sendable {
    private let socket: String
    private let stopped = Atomic<Bool>(false)
    private let running = Atomic<Int>(0)

    init(socket: String) { self.socket = socket }

    func start() {
        for garbage in [false, true] {
            running.add(1, ordering: .relaxed)
            Thread { [self] in
                while !stopped.load(ordering: .relaxed) { once(garbage: garbage) }
                running.subtract(1, ordering: .relaxed)
            }.start()
        }
    }

    func stop() {
        stopped.store(true, ordering: .relaxed)
        _ = Programs.eventually(within: 5) { running.load(ordering: .relaxed) == 0 }
    }

    private func once(garbage: Bool) {
        guard let fd = try? UnixSocket.connect(to: socket, nonBlocking: false) else {
            usleep(20_000)
            return
        }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let bytes: [UInt8]
        if garbage {
            bytes = (0..<65536).map { _ in UInt8.random(in: 0...255) }
        } else {
            var frames = FrameEncoder.frame(request: .hello(minVersion: 1, maxVersion: 1, maxPayload: 65535), rid: 1)
            for rid in 0..<10_000 {
                var frame = FrameEncoder.frame(request: .get([.staticEntry(lib: 0, entry: 1)]), rid: UInt16(rid % 65000 + 2))
                frames.writeBuffer(&frame)
            }
            bytes = frames.readBytes(length: frames.readableBytes) ?? []
        }
        while !stopped.load(ordering: .relaxed) {
            let sent = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK {
                usleep(20_000)
                return
            }
        }
    }
}
