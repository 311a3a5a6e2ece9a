import UKBridgeClient

/// An instance `ukfs top` was asked to follow: its name and how to reach it.
public struct TopTarget: Sendable {
    public let name: String
    public let line: LineTarget

    public init(name: String, line: LineTarget) {
        self.name = name
        self.line = line
    }
}
