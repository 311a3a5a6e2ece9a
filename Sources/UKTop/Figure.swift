/// One figure of a row (CPU %, memory, a rate): what the guest gave, or why there is none.
/// A guest that lacks the entries behind a figure shows `-`, never 0; a rate needs two readings,
/// so on the first one it is pending.
public enum Figure: Sendable, Equatable {
    /// The guest exports nothing this figure is made of.
    case lacking
    /// The guest has it, but a rate needs a second reading (or the counters restarted).
    case pending
    case value(Double)

    public var number: Double? {
        if case .value(let number) = self { return number }
        return nil
    }

    /// `lacking` when `number` is nil.
    public init(_ number: Double?) {
        self = number.map { .value($0) } ?? .lacking
    }

    func map(_ transform: (Double) -> Double) -> Figure {
        if case .value(let number) = self { return .value(transform(number)) }
        return self
    }
}
