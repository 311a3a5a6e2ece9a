import Synchronization
import UKBridge
import UKBridgeClient

/// The read-only files of `/.ukfs/`, which describe the mount itself.
enum MetaFile: String, CaseIterable, Sendable {
    case name, address, state, `protocol`, boot_id, generation
    /// How many times the mount has started reconnecting: a count that keeps climbing tells of a
    /// guest that keeps dropping its line, which `state` alone shows only while it happens.
    case reconnects
    /// Which way reads are served — `passthrough` (by the kernel, from a file OPEN hands it) or
    /// `libfuse (why not passthrough)` — so a user can tell which path a mount takes.
    case io
}

/// What `/.ukfs/` reports, updated by the guest's line (`GuestLink`) as the connection comes and goes.
final class MountStatus: Sendable {
    enum ConnectionState: Sendable, Equatable {
        case connected
        case disconnected(reason: String)
        /// Attempt `attempt` failed with `lastError`; the next comes after `retryIn`.
        case reconnecting(attempt: Int, lastError: String, retryIn: Duration)
        /// A `mount --all` folder not connected because unused: it connects on the next use.
        case idle

        var text: String {
            switch self {
            case .connected: "connected"
            case .idle: "idle (connects when used)"
            case .disconnected(let reason): "disconnected: \(reason)"
            case .reconnecting(let attempt, let lastError, let retryIn):
                "disconnected: \(lastError), retrying in \(Self.seconds(retryIn)) s (attempt \(attempt))"
            }
        }

        /// Why it is not connected, without the retry: `connection refused`.
        var reason: String? {
            switch self {
            case .connected, .idle: nil
            case .disconnected(let reason): reason
            case .reconnecting(_, let lastError, _): lastError
            }
        }

        private static func seconds(_ duration: Duration) -> String {
            let (seconds, attoseconds) = duration.components
            return String(format: "%.1f", Double(seconds) + Double(attoseconds) / 1e18)
        }
    }

    private struct State {
        var connection: ConnectionState = .connected
        var hello: HelloInfo?
        var generation: UInt64 = 0
        var line: GuestLine?
        var reconnects = 0
    }

    let instanceName: String
    let address: BridgeAddress
    /// Told each new state: sd_notify's STATUS=, and what a mount waits for.
    private let onChange: (@Sendable (ConnectionChange) -> Void)?
    /// Where the guest's line is shared (a registered name), nil for an address reached directly.
    let share: ShareLocation?
    /// The `io` file's text, from the mount's FUSE session.
    private let readPath: @Sendable () -> String
    private let state = Mutex(State())
    /// Requests that timed out since the guest last answered anything. Atomic, not in `state`:
    /// every answer resets it, and that is the hot path.
    private let unanswered = Atomic<Int>(0)

    init(
        instanceName: String, address: BridgeAddress, share: ShareLocation? = nil,
        onChange: (@Sendable (ConnectionChange) -> Void)? = nil, readPath: @escaping @Sendable () -> String = { "libfuse" }
    ) {
        self.readPath = readPath
        self.instanceName = instanceName
        self.address = address
        self.share = share
        self.onChange = onChange
    }

    /// The line the mount uses now: how it is shared shows in `.ukfs/state`.
    var line: GuestLine? {
        get { state.withLock { $0.line } }
        set { state.withLock { $0.line = newValue } }
    }

    var connection: ConnectionState {
        get { state.withLock { $0.connection } }
        set {
            let changed = state.withLock { state in
                defer { state.connection = newValue }
                return state.connection != newValue
            }
            if changed { onChange?(ConnectionChange(connected: newValue == .connected, reason: newValue.reason, state: newValue.text)) }
        }
    }

    var hello: HelloInfo? {
        get { state.withLock { $0.hello } }
        set { state.withLock { $0.hello = newValue } }
    }

    var generation: UInt64 {
        get { state.withLock { $0.generation } }
        set { state.withLock { $0.generation = newValue } }
    }

    /// A reconnect loop has started: the connection was lost, or a `-o wait` mount's first try failed.
    func noteReconnecting() {
        state.withLock { $0.reconnects += 1 }
    }

    func noteAnswer() {
        if unanswered.load(ordering: .relaxed) != 0 { unanswered.store(0, ordering: .relaxed) }
    }

    func noteTimeout() {
        unanswered.add(1, ordering: .relaxed)
    }

    /// The file's text, newline included.
    func contents(of file: MetaFile) -> [UInt8] {
        let state = self.state.withLock { $0 }
        let unanswered = self.unanswered.load(ordering: .relaxed)
        let text: String =
            switch file {
            case .name: instanceName
            case .address: address.description
            case .state:
                state.connection == .connected && unanswered > 0
                    ? "connected, not answering (\(unanswered) request\(unanswered == 1 ? "" : "s") timed out)"
                    : state.connection == .connected
                        ? "connected" + (state.line?.sharing().map { " (\($0))" } ?? "")
                        : state.connection.text
            case .protocol: state.hello.map { "ukfs-bridge \($0.version)" } ?? "none"
            case .boot_id: state.hello.map { CanonicalText.hex64($0.bootID) } ?? "unknown"
            case .generation: String(state.generation)
            case .reconnects: String(state.reconnects)
            case .io: readPath()
            }
        return Array((text + "\n").utf8)
    }
}

/// A change of a mount's connection, as its observer (MountOptions.onStateChange) is told it.
public struct ConnectionChange: Sendable {
    public let connected: Bool
    /// Why it is not connected (`no such socket`, `connection refused`), nil when it is.
    public let reason: String?
    /// The `.ukfs/state` text.
    public let state: String
}
