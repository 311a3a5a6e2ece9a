/// Nanoseconds on the monotonic clock since this process first asked: when readings were answered.
enum MonotonicTime {
    private static let epoch = ContinuousClock.now

    static func now() -> UInt64 {
        let elapsed = ContinuousClock.now - epoch
        let (seconds, attoseconds) = elapsed.components
        return UInt64(max(seconds, 0)) * 1_000_000_000 + UInt64(max(attoseconds, 0) / 1_000_000_000)
    }
}
