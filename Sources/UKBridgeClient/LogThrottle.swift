import Synchronization

/// Counts a recurring event and says when it is worth a log line: the 1st, 10th, 100th, … time.
/// A hostile or broken guest can repeat a fault endlessly; the log must not grow with it.
public final class LogThrottle: Sendable {
    private let count = Mutex<Int>(0)

    public init() {}

    /// Adds `times` occurrences; returns the new total when a power of ten was reached or passed.
    public func note(_ times: Int = 1) -> Int? {
        count.withLock { count in
            let before = count
            count += times
            var mark = 1
            while mark <= count {
                if mark > before { return count }
                mark *= 10
            }
            return nil
        }
    }
}
