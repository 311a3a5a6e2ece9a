import Foundation
import Logging
import NIOCore
import UKBridge
import UKBridgeClient
import UKGuestTree

/// One instance as `ukfs top` follows it: connected when first needed (through the holder's share
/// when a mount or an exporter holds its line, else holding and sharing the line itself, as
/// `export` does), its tree listed once and again after an object event, and one batched GET per
/// refresh — of the few entries the row needs, or of every entry for the detail view. Unused
/// (filtered out, or the detail view shows another) for `idleSeconds`, it closes its connection.
public actor InstanceReader {
    public nonisolated let name: String
    private let line: LineTarget
    private let group: EventLoopGroup
    private let timeout: Duration
    private let logger: Logger
    private let idleAfter: Duration

    private var tree: GuestTree?
    private var route: GuestLine.Route = .direct
    /// Every entry, and those the row needs, each with its place decoded once.
    private var all: (entries: [TreeEntry], places: [Reading.Item])?
    private var wanted: (entries: [TreeEntry], places: [Reading.Item]) = ([], [])
    private let treeChanged = ChangeFlag()
    private var state: InstanceState = .connecting
    private var figures = Figures()
    private var requests: Int?
    private var previous: Reading?
    private var lastAttempt: ContinuousClock.Instant?
    private var lastUsed = ContinuousClock.now

    /// A failed connection is tried again at most this often.
    static let retryPause = Duration.seconds(1)

    public init(name: String, line: LineTarget, group: EventLoopGroup, timeout: Duration, idleSeconds: Double, logger: Logger) {
        self.name = name
        self.line = line
        self.group = group
        self.timeout = timeout
        self.idleAfter = .milliseconds(Int64(max(idleSeconds, 0) * 1000))
        self.logger = logger
    }

    /// Whether a read is in progress (one the last refresh stopped waiting for).
    private var busy = false

    /// One refresh: the row, and with `full` the detail view's lines. While an earlier read is
    /// still in progress (a hung guest, a slow connect) it answers at once, saying the row waits,
    /// and starts no second read.
    public func refresh(full: Bool) async -> (row: InstanceRow, detail: [String]?) {
        lastUsed = .now
        guard !busy else { return (waitingRow, nil) }
        busy = true
        defer { busy = false }
        let outcome = await perform(full: full)
        // What perform counted as it ended (its row was made before that).
        var row = outcome.row
        row.requests = requests
        return (row, outcome.detail)
    }

    /// The row as it stands, for a refresh that stopped waiting for this instance.
    public var waitingRow: InstanceRow {
        var late = row
        if late.state.isAnswering { late.state = .notAnswering("waiting for an answer") }
        return late
    }

    private func perform(full: Bool) async -> (row: InstanceRow, detail: [String]?) {
        requests = nil
        guard let tree = await connectedTree() else { return (row, nil) }
        let before = tree.connection.traffic.current
        defer { requests = (tree.connection.traffic.current - before).writes }
        if treeChanged.take() {
            all = nil
            await tree.forget()
        }
        if all == nil {
            do {
                let entries = try await tree.entries()
                all = (entries, Reading.places(of: entries))
                let needed = entries.filter(FigureSources.wants)
                wanted = (needed, Reading.places(of: needed))
            } catch {
                lost(tree, why: Self.reason(error))
                return (row, nil)
            }
        }
        let (entries, places) = full ? (all ?? ([], [])) : wanted
        let results = await tree.read(entries)
        guard tree.connection.isActive else {
            lost(tree, why: BridgeError.disconnected.shortProblem)
            return (row, nil)
        }
        let readable = zip(entries, results).filter { $0.0.access.contains(.readable) }
        if !readable.isEmpty, readable.allSatisfy({ $0.1 == .error(EIO) }) {
            state = .notAnswering(BridgeError.timedOut.shortProblem)
            return (row, nil)
        }
        let reading = Reading(time: MonotonicTime.now(), bootID: tree.connection.hello.bootID, places: places, results: results)
        figures = Figures(reading, previous: previous)
        let detail = full ? DetailView.lines(reading, previous: previous) : nil
        previous = reading
        if case .shared = route { state = .connected(shared: true) } else { state = .connected(shared: false) }
        return (row, detail)
    }

    /// Not read this refresh: says so, and closes the connection once unused for the idle time.
    public func rest() -> InstanceRow {
        if tree != nil, ContinuousClock.now - lastUsed >= idleAfter { close() }
        state = .idle
        return row
    }

    public func close() {
        tree?.connection.close()
        tree = nil
        all = nil
        previous = nil
    }

    private var row: InstanceRow {
        var row = InstanceRow(name: name, state: state, figures: figures)
        row.requests = requests
        return row
    }

    private func connectedTree() async -> GuestTree? {
        if let tree, tree.connection.isActive { return tree }
        if tree != nil { lost(nil, why: BridgeError.disconnected.shortProblem) }
        if let lastAttempt, ContinuousClock.now - lastAttempt < Self.retryPause, state != .idle { return nil }
        lastAttempt = .now
        do {
            let changed = treeChanged
            // A holder, as export: through the holder's share when there is one (never taking the
            // line from it), else holding the line and sharing it, so a mount started later works.
            let guestLine = try await LineConnector.connect(
                line, role: .holder, group: group, timeout: timeout, logger: logger,
                onEvent: { _ in changed.raise() })
            _ = await guestLine.connection.send(.watch(flags: 1), timeout: timeout)
            let fresh = GuestTree(connection: guestLine.connection, timeout: timeout)
            tree = fresh
            route = guestLine.route
            all = nil
            return fresh
        } catch {
            state = Self.state(for: error)
            return nil
        }
    }

    private func lost(_ tree: GuestTree?, why: String) {
        tree?.connection.close()
        self.tree = nil
        all = nil
        previous = nil
        state = .disconnected(why)
    }

    static func state(for error: BridgeError) -> InstanceState {
        switch error {
        case .lineHeld(_, let holder): .waiting("line held by \(holder)")
        case .timedOut, .noHandshake: .notAnswering(error.shortProblem)
        default: .disconnected(error.shortProblem)
        }
    }

    static func reason(_ error: TreeError) -> String {
        switch error {
        case .bridge(let bridge): bridge.shortProblem
        case .path(let path, let errno): "cannot list \(path) (errno \(errno))"
        }
    }
}
