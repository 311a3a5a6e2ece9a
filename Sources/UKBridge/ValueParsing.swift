/// What a user wrote into an entry file, turned into a typed value, with the errno the write gets.
public enum ValueParseError: Error, Sendable, Equatable {
    /// Not a number of that type at all: EINVAL.
    case invalid
    /// A number, but not one the type can hold: ERANGE.
    case outOfRange
}

extension Value {
    /// Parses text written to an entry of `type`. Integers: optional surrounding white space (so
    /// `echo 3` with its newline works), an optional sign, decimal or `0x` hex. charp: the text with
    /// one trailing newline removed, at most `maxString` bytes.
    public static func parse(
        _ text: [UInt8], as type: EntryType,
        maxString: Int = ProtocolLimits.maxString
    ) -> Result<Value, ValueParseError> {
        if type == .charp {
            var bytes = text[...]
            if bytes.last == UInt8(ascii: "\n") { bytes = bytes.dropLast() }
            guard !bytes.contains(0) else { return .failure(.invalid) }
            guard bytes.count <= maxString else { return .failure(.outOfRange) }
            return .success(.charp(Array(bytes)))
        }
        guard let number = ParsedInteger(text) else { return .failure(.invalid) }
        guard !number.overflowed else { return .failure(.outOfRange) }
        if type.isSigned {
            let signed: Int64
            if number.negative {
                guard number.magnitude <= Int64.min.magnitude else { return .failure(.outOfRange) }
                signed = number.magnitude == Int64.min.magnitude ? .min : -Int64(number.magnitude)
            } else {
                guard number.magnitude <= UInt64(Int64.max) else { return .failure(.outOfRange) }
                signed = Int64(number.magnitude)
            }
            return Value.signed(type, checking: signed).map { .success($0) } ?? .failure(.outOfRange)
        }
        guard !number.negative || number.magnitude == 0 else { return .failure(.outOfRange) }
        return Value.unsigned(type, checking: number.magnitude).map { .success($0) } ?? .failure(.outOfRange)
    }
}

/// An integer as written: sign and magnitude, so that out-of-range is told apart from nonsense.
struct ParsedInteger {
    var negative = false
    var magnitude: UInt64 = 0
    /// Still a number, just too big for any type: the caller reports ERANGE, not EINVAL.
    var overflowed = false

    init?(_ text: [UInt8]) {
        var bytes = text[...]
        while let first = bytes.first, Self.isSpace(first) { bytes = bytes.dropFirst() }
        while let last = bytes.last, Self.isSpace(last) { bytes = bytes.dropLast() }
        if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            negative = sign == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var radix: UInt64 = 10
        if bytes.count > 2, bytes.first == UInt8(ascii: "0"),
            bytes[bytes.startIndex + 1] | 0x20 == UInt8(ascii: "x")
        {
            radix = 16
            bytes = bytes.dropFirst(2)
        }
        guard !bytes.isEmpty else { return nil }
        for byte in bytes {
            guard let digit = Self.digit(byte), digit < radix else { return nil }
            let (times, o1) = magnitude.multipliedReportingOverflow(by: radix)
            let (sum, o2) = times.addingReportingOverflow(digit)
            overflowed = overflowed || o1 || o2
            magnitude = sum
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0d).contains(byte)
    }

    private static func digit(_ byte: UInt8) -> UInt64? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt64(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt64(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt64(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
