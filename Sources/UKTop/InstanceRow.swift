/// One line of the main view: an instance, how it fares, and its figures.
public struct InstanceRow: Sendable, Equatable {
    public let name: String
    public var state: InstanceState
    public var figures: Figures
    /// Bridge requests written on this instance's connection during the last refresh (its first:
    /// the listing too; a line top shares: its clients' requests too); nil when it was not read.
    public var requests: Int?

    public init(name: String, state: InstanceState, figures: Figures = Figures()) {
        self.name = name
        self.state = state
        self.figures = figures
    }
}
