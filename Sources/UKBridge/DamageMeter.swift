import NIOCore

/// How much damage a peer has sent lately, as a leaky bucket: bytes thrown away while hunting or
/// after failed checks, and a surcharge per rejected frame, leak out at a steady rate. A noisy
/// line (a burst of boot messages, a host that left mid-frame) stays under the limit; a peer that
/// keeps sending damage goes over it within a few hundred kilobytes, and its connection is dropped
/// (then retried with backoff) instead of costing the host CPU for as long as it likes.
public struct DamageMeter: Sendable {
    public static let defaultLimit = 256 * 1024
    public static let rejectedFrameCost = 64
    public static let leakPerSecond = 64 * 1024

    public let limit: Int
    private var level = 0
    private var updated: NIODeadline

    public init(limit: Int = DamageMeter.defaultLimit, now: NIODeadline = .now()) {
        self.limit = limit
        self.updated = now
    }

    /// Adds damage; true when the level went over the limit.
    public mutating func add(discardedBytes: Int, rejectedFrames: Int, now: NIODeadline = .now()) -> Bool {
        let elapsed = max(0, (now - updated).nanoseconds)
        let leaked = Int(min(Int64(level), elapsed / 1_000_000 * Int64(Self.leakPerSecond) / 1000))
        level = level - leaked + discardedBytes + rejectedFrames * Self.rejectedFrameCost
        updated = now
        return level > limit
    }
}
