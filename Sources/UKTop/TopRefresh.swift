/// What one refresh gave: every followed instance's row (unsorted) and the detail view's lines.
public struct TopRefresh: Sendable {
    public var rows: [InstanceRow]
    /// The detail view's lines for the instance asked for; nil when it is not answering.
    public var detail: [String]?
    /// Monotonic nanoseconds the refresh took.
    public var took: UInt64

    public init(rows: [InstanceRow], detail: [String]?, took: UInt64) {
        self.rows = rows
        self.detail = detail
        self.took = took
    }
}
