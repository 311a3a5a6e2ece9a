/// Where an instance's bridge listens. Written `unix:PATH` or as a plain socket path.
public enum BridgeAddress: Sendable, Hashable, CustomStringConvertible {
    case unix(path: String)

    /// Parses what a user typed; nil when it is no address form (then it may be an instance name).
    public init?(parsing text: String) {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst("unix:".count))
            guard !path.isEmpty else { return nil }
            self = .unix(path: path)
        } else if text.contains("/") {
            self = .unix(path: text)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .unix(let path): path
        }
    }
}
