/// Sorting and filtering rows: the same for the screen, batch and JSON.
public struct RowOrder: Sendable, Equatable {
    public var key: SortKey
    public var descending: Bool
    /// Case-insensitive substring of the name; empty shows every row.
    public var filter: String

    public init(key: SortKey = .cpu, descending: Bool? = nil, filter: String = "") {
        self.key = key
        self.descending = descending ?? key.descendingByDefault
        self.filter = filter
    }

    /// Sorts by `key`; the same key again reverses the order, as htop does.
    public mutating func sort(by key: SortKey) {
        if key == self.key {
            descending.toggle()
        } else {
            self.key = key
            descending = key.descendingByDefault
        }
    }

    public func shows(_ name: String) -> Bool {
        filter.isEmpty || name.lowercased().contains(filter.lowercased())
    }

    /// The rows the filter lets through, in order. Rows without the figure sorted on come last
    /// whatever the direction; ties go by name.
    public func apply(_ rows: [InstanceRow]) -> [InstanceRow] {
        let shown = filter.isEmpty ? rows : rows.filter { shows($0.name) }
        let key = self.key
        let descending = self.descending
        return shown.sorted { left, right in
            switch key {
            case .name:
                if left.name != right.name { return (left.name < right.name) != descending }
                return false
            case .state:
                if left.state.rank != right.state.rank { return (left.state.rank < right.state.rank) != descending }
                return left.name < right.name
            default:
                switch (key.figure(left), key.figure(right)) {
                case (let a?, let b?) where a != b: return (a < b) != descending
                case (.some, nil): return true
                case (nil, .some): return false
                default: return left.name < right.name
                }
            }
        }
    }
}
