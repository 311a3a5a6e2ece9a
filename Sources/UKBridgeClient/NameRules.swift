/// Names from the guest become file names: these rules keep every one of them a single, harmless
/// path component (docs/protocol.md §4.3).
public enum NameRules {
    public enum Refusal: CustomStringConvertible {
        case empty, tooLong, slash, nul, dot, duplicate

        public var description: String {
            switch self {
            case .empty: "empty name"
            case .tooLong: "name longer than 255 bytes"
            case .slash: "name contains '/'"
            case .nul: "name contains NUL"
            case .dot: "name is '.' or '..'"
            case .duplicate: "name repeats one already in the directory"
            }
        }
    }

    public static func check(_ name: [UInt8]) -> Refusal? {
        if name.isEmpty { return .empty }
        if name.count > 255 { return .tooLong }
        if name.contains(UInt8(ascii: "/")) { return .slash }
        if name.contains(0) { return .nul }
        if name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")] { return .dot }
        return nil
    }
}
