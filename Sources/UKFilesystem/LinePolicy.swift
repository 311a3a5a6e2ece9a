import UKBridgeClient

/// When a mount's line to its guest is open: the one difference between a single mount, whose
/// line is always on (`AlwaysOn`), and a `mount --all` folder, whose line opens on use and closes
/// when idle (`OnDemandConnection`). `GuestLink` asks its policy and never which policy it is.
protocol LinePolicy: Sendable {
    /// Whether the line opens when a use finds it closed — and so waits for that use after a loss,
    /// and lists only what is used — rather than being kept open, reconnecting on its own.
    var connectsOnUse: Bool { get }
    /// Before an attempt: a share of the process's descriptors, or why there is none.
    func reserve(for name: String) async throws(BridgeError)
    /// The reservation back: the attempt failed, or its connection closed.
    func release()
    /// Connects (`connect`) on a use that found no connection; `done` gets what failed.
    func wake(
        connect: @escaping @Sendable () async throws(BridgeError) -> Void,
        onFailure: @escaping @Sendable (BridgeError) -> Void,
        done: @escaping @Sendable (BridgeError?) -> Void)
    func noteUse()
    /// Whether the line went unused long enough to close.
    var isIdle: Bool { get }
    /// When the line was last used (monotonic nanoseconds), to find the least recently used one.
    var lastUseNanoseconds: UInt64? { get }
    /// Whether the line may close to make room for another folder's, unused for `duration`.
    func mayCloseToMakeRoom(unusedFor duration: Duration) -> Bool
    /// Marks the coming close as this side's idle close; false if one is already under way.
    func beginIdleClose() -> Bool
    /// True (once) when the close that just happened was an idle close.
    func takeIdleClose() -> Bool
}

/// A single mount's line: opened at mount, reconnected on its own after a loss, never closed for
/// idleness; a use that finds it down fails at once (EIO) rather than waiting for a reconnect.
struct AlwaysOn: LinePolicy {
    var connectsOnUse: Bool { false }
    func reserve(for name: String) async throws(BridgeError) {}
    func release() {}
    func wake(
        connect: @escaping @Sendable () async throws(BridgeError) -> Void,
        onFailure: @escaping @Sendable (BridgeError) -> Void,
        done: @escaping @Sendable (BridgeError?) -> Void
    ) {
        done(.disconnected)
    }
    func noteUse() {}
    var isIdle: Bool { false }
    var lastUseNanoseconds: UInt64? { nil }
    func mayCloseToMakeRoom(unusedFor duration: Duration) -> Bool { false }
    func beginIdleClose() -> Bool { false }
    func takeIdleClose() -> Bool { false }
}
