/// The ten ukstore types, with ukstore's own codes (`enum uk_store_entry_type`).
public enum EntryType: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case s8 = 1, u8, s16, u16, s32, u32, s64, u64, uptr, charp

    public var description: String {
        switch self {
        case .s8: "s8"
        case .u8: "u8"
        case .s16: "s16"
        case .u16: "u16"
        case .s32: "s32"
        case .u32: "u32"
        case .s64: "s64"
        case .u64: "u64"
        case .uptr: "uptr"
        case .charp: "charp"
        }
    }

    public var isSigned: Bool { self == .s8 || self == .s16 || self == .s32 || self == .s64 }

    /// Inclusive bounds of the integer types, as (min, max) over Int64 / UInt64.
    var signedRange: ClosedRange<Int64> {
        switch self {
        case .s8: Int64(Int8.min)...Int64(Int8.max)
        case .s16: Int64(Int16.min)...Int64(Int16.max)
        case .s32: Int64(Int32.min)...Int64(Int32.max)
        default: Int64.min...Int64.max
        }
    }

    var unsignedMax: UInt64 {
        switch self {
        case .u8: UInt64(UInt8.max)
        case .u16: UInt64(UInt16.max)
        case .u32: UInt64(UInt32.max)
        default: UInt64.max
        }
    }
}

/// Whether an entry has a getter and/or a setter (bits 4 and 5 of a listed child's `tinfo`).
public struct Access: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let readable = Access(rawValue: 0x10)
    public static let writable = Access(rawValue: 0x20)

    public var description: String {
        (contains(.readable) ? "r" : "-") + (contains(.writable) ? "w" : "-")
    }
}
