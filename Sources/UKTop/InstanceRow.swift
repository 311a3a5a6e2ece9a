/// One line of the main view: an instance, how it fares, and its figures.
public struct InstanceRow: Sendable, Equatable {
    public let name: String
    public var state: InstanceState
    public var figures: Figures

    public init(name: String, state: InstanceState, figures: Figures = Figures()) {
        self.name = name
        self.state = state
        self.figures = figures
    }
}
