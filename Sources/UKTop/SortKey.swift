/// What the main view is sorted by: a column (`<` and `>` step through them in this order) or a
/// key of its own (`c` CPU, `m` memory, `n` network, `i` name).
public enum SortKey: String, Sendable, CaseIterable {
    case name, uptime, cpu, memory, memoryTotal = "memory-total", memoryPercent = "memory-percent", network, state

    /// Names read first by default; figures biggest first, as in top.
    public var descendingByDefault: Bool { self != .name && self != .state }

    /// The value sorted on; nil for a figure the row has not got (always last).
    func figure(_ row: InstanceRow) -> Double? {
        guard row.state.isAnswering || self == .state || self == .name else { return nil }
        switch self {
        case .name, .state: return nil
        case .uptime: return row.figures.uptimeSeconds.number
        case .cpu: return row.figures.cpuPercent.number
        case .memory: return row.figures.memoryUsed.number
        case .memoryTotal: return row.figures.memoryTotal.number
        case .memoryPercent: return row.figures.memoryPercent.number
        case .network: return row.figures.networkPerSecond.number
        }
    }

    /// The next column to the right (`>`) or left (`<`), stopping at the ends as top does.
    public func stepped(by offset: Int) -> SortKey {
        let all = Self.allCases
        let index = all.firstIndex(of: self) ?? 0
        return all[min(max(index + offset, 0), all.count - 1)]
    }
}
