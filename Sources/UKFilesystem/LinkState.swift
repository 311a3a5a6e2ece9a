import UKBridgeClient

/// What `GuestLink` knows of its line, and the rules that change it, each taken under the link's
/// one lock: which connection is adopted, whether a close is the adopted one's, how many attempts
/// failed in a row.
struct LinkState {
    var connection: BridgeConnection?
    /// Which connection attempt `connection` came from: a close only matters for that one.
    var adoptedAttempt: UInt64 = 0
    var attempts: UInt64 = 0
    var stopping = false
    /// When the adopted connection completed its handshake.
    var adoptedAt: ContinuousClock.Instant?
    /// Failed attempts in a row, a connection that died soon after its handshake included:
    /// what the reconnect delay grows with.
    var failures = 0
    /// While a connection is being adopted (its WATCH, its refreshes): a request that finds no
    /// connection then lost it mid-way, and must fail rather than wait for the wake in progress,
    /// which is waiting for that request.
    var adopting = false
    /// Weak: the listener (the tree) holds the link.
    weak var listener: (any LinkListener)?

    /// A connection that ends sooner than this after its handshake counts as a failed attempt, so
    /// a guest that handshakes and hangs up is backed off like one that refuses.
    static let flapWindow = Duration.seconds(5)

    mutating func nextAttempt() -> UInt64 {
        attempts += 1
        return attempts
    }

    /// Takes `connection` as the live one, unless the link is stopping (then false).
    mutating func adopt(_ connection: BridgeConnection, attempt: UInt64, at now: ContinuousClock.Instant) -> Bool {
        guard !stopping else { return false }
        self.connection = connection
        adopting = true
        adoptedAttempt = attempt
        adoptedAt = now
        return true
    }

    /// A connection of `attempt` closed: whether it was the adopted one (only its close matters),
    /// and whether it lived shorter than `flapWindow`, which counts as one more failure.
    mutating func lose(attempt: UInt64, at now: ContinuousClock.Instant) -> (ours: Bool, shortLived: Bool) {
        guard !stopping, connection != nil, adoptedAttempt == attempt else { return (false, false) }
        connection = nil
        let shortLived = adoptedAt.map { now - $0 < Self.flapWindow } ?? true
        failures = shortLived ? failures + 1 : 0
        return (true, shortLived)
    }

    /// One more failed attempt; the failures in a row.
    mutating func fail() -> Int {
        failures += 1
        return failures
    }

    /// No connection, and none on the way.
    var isDown: Bool { connection == nil && !stopping && !adopting }
}
