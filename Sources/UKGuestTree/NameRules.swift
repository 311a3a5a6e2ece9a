/// Names from the guest become file names: these rules keep every one of them a single, harmless
/// path component (docs/protocol.md §4.3), and harmless on an operator's terminal too: `find` or
/// `ls` print names as they are, so an escape sequence in a name would reach the terminal.
public enum NameRules {
    public enum Refusal: CustomStringConvertible {
        case empty, tooLong, slash, nul, dot, duplicate, invalidUTF8, control

        public var description: String {
            switch self {
            case .empty: "empty name"
            case .tooLong: "name longer than 255 bytes"
            case .slash: "name contains '/'"
            case .nul: "name contains NUL"
            case .dot: "name is '.' or '..'"
            case .duplicate: "name repeats one already in the directory"
            case .invalidUTF8: "name is not valid UTF-8"
            case .control: "name contains a control character"
            }
        }
    }

    public static func check(_ name: [UInt8]) -> Refusal? {
        if name.isEmpty { return .empty }
        if name.count > 255 { return .tooLong }
        if name.contains(UInt8(ascii: "/")) { return .slash }
        if name.contains(0) { return .nul }
        if name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")] { return .dot }
        guard let text = String(validating: name, as: UTF8.self) else { return .invalidUTF8 }
        // C0, DEL and C1 (U+0080–U+009F, which some terminals obey as escapes too).
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) { return .control }
        return nil
    }
}
