import Foundation
import Logging
import NIOCore
import UKBridgeClient

/// The instances `ukfs top` follows — the names given, or the registry's as they come and go —
/// and one refresh of them all: each read concurrently (128 at a time, as the exporter scrapes),
/// only those the view shows. Instances past what the descriptors allow are listed, not followed.
public actor TopSource {
    private let fixed: [TopTarget]?
    private let registry: InstanceRegistry?
    private let group: EventLoopGroup
    private let timeout: Duration
    private let idleSeconds: Double
    private let logger: Logger
    public nonisolated let capacity: Int
    private var readers: [String: InstanceReader] = [:]
    private var refused: [String] = []
    /// The registry folder's modification time when it was last read: unchanged, nothing came or went.
    private var registryStamp: timespec?
    private var registryRead = ContinuousClock.now
    /// Whether a refresh was made already (the first connects and lists: it may wait longer).
    private var refreshed = false

    /// Descriptors one followed instance costs: as the exporter measured, the line's socket and
    /// its duplicate, the line's lock, the share's listening socket.
    public static let descriptorsPerInstance = 4
    /// Kept for everything else: stdio, the terminal, event loops, clients of our shares.
    public static let descriptorsReserved = 128
    /// How long the first refresh may wait for connections and listings (a first frame within 2 s).
    static let firstWait = Duration.seconds(2)
    /// Instances read at once.
    static let inFlight = 128

    /// Follows `targets`, or with nil every instance of `registry`.
    public init(
        targets: [TopTarget]?, registry: InstanceRegistry?, group: EventLoopGroup, timeout: Duration,
        idleSeconds: Double, descriptors: Int, logger: Logger
    ) {
        self.fixed = targets
        self.registry = registry
        self.group = group
        self.timeout = timeout
        self.idleSeconds = idleSeconds
        self.logger = logger
        self.capacity = max(0, (descriptors - Self.descriptorsReserved) / Self.descriptorsPerInstance)
    }

    /// Reads every instance `shows` lets through (the rest rest), and `detail` in full, waiting
    /// at most `budget` (the first refresh, which connects and lists, up to 2 s, within the
    /// request timeout): an instance not answered by then is shown waiting while its read goes on, so one
    /// hung guest never holds up the others' frame.
    public func refresh(
        shows: @Sendable (String) -> Bool = { _ in true }, detail: String? = nil, within budget: Duration = .seconds(1)
    ) async -> TopRefresh {
        let started = MonotonicTime.now()
        sync()
        let current = readers.values.sorted { $0.name < $1.name }
        let wait = refreshed ? budget : max(budget, min(timeout, Self.firstWait))
        refreshed = true
        let (arrivals, arrive) = AsyncStream.makeStream(of: Arrival.self)
        let timer = Task {
            try? await Task.sleep(for: wait)
            arrive.yield(.deadline)
        }
        var next = 0
        func startNext() {
            guard next < current.count else { return }
            let (index, reader) = (next, current[next])
            next += 1
            let full = reader.name == detail
            let read = full || (shows(reader.name) && detail == nil)
            // Unstructured: a read the refresh stops waiting for goes on, and lands in the reader.
            Task {
                if read {
                    let (row, lines) = await reader.refresh(full: full)
                    arrive.yield(.row(index, row, lines))
                } else {
                    arrive.yield(.row(index, await reader.rest(), nil))
                }
            }
        }
        for _ in 0..<min(Self.inFlight, current.count) { startNext() }
        var rows = [InstanceRow?](repeating: nil, count: current.count)
        var lines: [String]?
        var arrived = 0
        for await arrival in arrivals {
            guard case .row(let index, let row, let detailLines) = arrival else { break }
            rows[index] = row
            if let detailLines { lines = detailLines }
            arrived += 1
            if arrived == current.count { break }
            startNext()
        }
        arrive.finish()
        timer.cancel()
        // Those not answered in time (or not started): as they stand, waiting.
        for (index, reader) in current.enumerated() where rows[index] == nil {
            rows[index] = await reader.waitingRow
        }
        let why = "over the \(capacity) instances this process's descriptors allow: raise ulimit -n"
        let all = rows.compactMap { $0 } + refused.map { InstanceRow(name: $0, state: .notFollowed(why)) }
        return TopRefresh(rows: all, detail: lines, took: MonotonicTime.now() - started)
    }

    /// What the refresh hears: an instance's row, or that its time is up.
    private enum Arrival: Sendable {
        case row(Int, InstanceRow, [String]?)
        case deadline
    }

    /// Closes every connection.
    public func close() async {
        for reader in readers.values { await reader.close() }
        readers.removeAll()
    }

    /// Readers for the instances to follow: the fixed ones once; the registry's as they are now.
    private func sync() {
        let wanted: [TopTarget]
        if let fixed {
            guard readers.isEmpty && refused.isEmpty else { return }
            wanted = fixed
        } else if let registry {
            var info = stat()
            let stamp = stat(registry.folder, &info) == 0 ? info.st_mtim : nil
            // Read again anyway every 5 s, for filesystems whose times are coarse.
            if let stamp, let last = registryStamp, stamp.tv_sec == last.tv_sec && stamp.tv_nsec == last.tv_nsec,
                ContinuousClock.now - registryRead < .seconds(5)
            {
                return
            }
            registryStamp = stamp
            registryRead = .now
            wanted = registry.registeredNames().map { name in
                TopTarget(
                    name: name,
                    line: LineTarget(address: .unix(path: registry.socketPath(for: name)), share: registry.share(for: name)))
            }
        } else {
            return
        }
        let names = Set(wanted.map(\.name))
        for (name, reader) in readers where !names.contains(name) {
            readers.removeValue(forKey: name)
            Task { await reader.close() }
        }
        var left: [String] = []
        for target in wanted.sorted(by: { $0.name < $1.name }) where readers[target.name] == nil {
            guard readers.count < capacity else {
                left.append(target.name)
                continue
            }
            readers[target.name] = InstanceReader(
                name: target.name, line: target.line, group: group, timeout: timeout,
                idleSeconds: idleSeconds, logger: logger)
        }
        refused = left
    }
}
