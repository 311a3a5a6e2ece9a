/// How an instance fares, with the reason when it is not answering.
public enum InstanceState: Sendable, Equatable {
    /// Not tried yet, or its first connection is on its way.
    case connecting
    /// Answered the last refresh; `shared`: through another process's share of its line.
    case connected(shared: Bool)
    /// Its line is held by a process that does not share it.
    case waiting(String)
    /// Connected, but the last refresh got no answer in time.
    case notAnswering(String)
    /// Cannot be reached (no socket, refused, lost); retried at the next refresh, once a second at most.
    case disconnected(String)
    /// Not followed: more instances than this process's descriptors allow.
    case notFollowed(String)
    /// Not read while hidden by the filter (its connection closes once idle).
    case idle

    public var isAnswering: Bool {
        if case .connected = self { return true }
        return false
    }

    /// The word the STATE column starts with.
    public var word: String {
        switch self {
        case .connecting: "connecting"
        case .connected(let shared): shared ? "shared" : "connected"
        case .waiting: "waiting"
        case .notAnswering: "no-answer"
        case .disconnected: "down"
        case .notFollowed: "refused"
        case .idle: "idle"
        }
    }

    public var reason: String? {
        switch self {
        case .waiting(let why), .notAnswering(let why), .disconnected(let why), .notFollowed(let why): why
        default: nil
        }
    }

    /// The word and the reason: `down: connection refused`.
    public var text: String { reason.map { word + ": " + $0 } ?? word }

    /// For sorting by state: answering first.
    var rank: Int {
        switch self {
        case .connected: 0
        case .connecting: 1
        case .waiting: 2
        case .notAnswering: 3
        case .disconnected: 4
        case .idle: 5
        case .notFollowed: 6
        }
    }
}
