import NIOCore

/// A typed ukstore value. Integers are kept widened (signed in Int64, unsigned and uptr in UInt64)
/// with the type alongside; construction through `init(type:signed:)` / `init(type:unsigned:)`
/// checks the type's range, so a Value is always one its type can hold.
public enum Value: Sendable, Hashable {
    case signed(EntryType, Int64)
    case unsigned(EntryType, UInt64)
    case charp([UInt8])

    public var type: EntryType {
        switch self {
        case .signed(let type, _), .unsigned(let type, _): type
        case .charp: .charp
        }
    }

    public static func signed(_ type: EntryType, checking value: Int64) -> Value? {
        guard type.isSigned, type.signedRange.contains(value) else { return nil }
        return .signed(type, value)
    }

    public static func unsigned(_ type: EntryType, checking value: UInt64) -> Value? {
        guard !type.isSigned, type != .charp, value <= type.unsignedMax else { return nil }
        return .unsigned(type, value)
    }

    /// The text a reader of the file sees, without the newline: decimal integers, `uptr` as
    /// `0x` hex, charp as is.
    public var text: [UInt8] {
        switch self {
        case .signed(_, let value): Array(String(value).utf8)
        case .unsigned(.uptr, let value): Array(("0x" + String(value, radix: 16)).utf8)
        case .unsigned(_, let value): Array(String(value).utf8)
        case .charp(let bytes): bytes
        }
    }
}

extension ByteBuffer {
    /// A tag byte and the value's encoding (docs/protocol.md §4.2).
    public mutating func writeTypedValue(_ value: Value) {
        writeInteger(value.type.rawValue)
        switch value {
        case .signed(_, let number): writeSignedVarint(number)
        case .unsigned(_, let number): writeVarint(number)
        case .charp(let bytes):
            writeVarint(bytes.count)
            writeBytes(bytes)
        }
    }

    public mutating func readTypedValue(maxString: Int = ProtocolLimits.maxString) throws(MalformedBody) -> Value {
        let tag = try readByte("value tag")
        guard let type = EntryType(rawValue: tag) else { throw MalformedBody("unknown type tag \(tag)") }
        return try readValue(of: type, maxString: maxString)
    }

    public mutating func readValue(of type: EntryType, maxString: Int) throws(MalformedBody) -> Value {
        switch type {
        case .charp:
            let length = try readVarint(atMost: maxString, "string length")
            return .charp(try readBytes(count: length, "string"))
        case .s8, .s16, .s32, .s64:
            let number = try readSignedVarint()
            guard let value = Value.signed(type, checking: number) else {
                throw MalformedBody("\(number) out of range for \(type)")
            }
            return value
        case .u8, .u16, .u32, .u64, .uptr:
            let number = try readVarint()
            guard let value = Value.unsigned(type, checking: number) else {
                throw MalformedBody("\(number) out of range for \(type)")
            }
            return value
        }
    }
}
