import UKBridge

/// JSON for the scripting commands' `--json`, written by hand so that u64 values keep every digit
/// (Foundation's encoder would go through Double for some readers, and orders keys arbitrarily).
enum JSONText {
    static func string(_ bytes: [UInt8]) -> String {
        var out = "\""
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where scalar.value < 0x20:
                out +=
                    "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func string(_ text: String) -> String { string(Array(text.utf8)) }

    /// Integers as JSON numbers, `uptr` as its `0x…` text (an address is not a quantity), charp as a string.
    static func value(_ value: Value) -> String {
        switch value {
        case .unsigned(.uptr, _), .charp: string(value.text)
        case .signed, .unsigned: String(decoding: value.text, as: UTF8.self)
        }
    }

    static func object(_ members: [(key: String, value: String)]) -> String {
        "{" + members.map { string($0.key) + ":" + $0.value }.joined(separator: ",") + "}"
    }
}
