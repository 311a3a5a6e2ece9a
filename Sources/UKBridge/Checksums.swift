/// The two checksums of a frame (docs/protocol.md §2.1). Table-driven: every frame is checked twice
/// (header and whole), and on a fast link that is the hot path.
public enum Checksum {
    /// CRC-8/SMBUS: polynomial 0x07, init 0, no reflection, no final XOR.
    public static func crc8<C: Collection>(_ bytes: C) -> UInt8 where C.Element == UInt8 {
        var crc: UInt8 = 0
        for byte in bytes { crc = crc8Table[Int(crc ^ byte)] }
        return crc
    }

    /// The header CRC of a frame: CRC-8 of the length's two bytes, little-endian, with no array made.
    public static func crc8(length: UInt16) -> UInt8 {
        let low = crc8Table[Int(UInt8(truncatingIfNeeded: length))]
        return crc8Table[Int(low ^ UInt8(truncatingIfNeeded: length >> 8))]
    }

    /// CRC-16/CCITT-FALSE: polynomial 0x1021, init 0xFFFF, no reflection, no final XOR.
    public static func crc16(_ bytes: UnsafeRawBufferPointer, seed: UInt16 = 0xFFFF) -> UInt16 {
        var crc = seed
        for byte in bytes {
            crc = (crc << 8) ^ crc16Table[Int(UInt8(truncatingIfNeeded: crc >> 8) ^ byte)]
        }
        return crc
    }

    public static func crc16(_ bytes: [UInt8]) -> UInt16 {
        bytes.withUnsafeBytes { crc16($0) }
    }

    /// Appends, for each byte, the CRC-16 register after it (from `register`, initial value 0):
    /// the running prefixes from which `crc16(prefixes:)` gives any range's CRC in O(1).
    static func appendCRC16Prefixes(_ bytes: UnsafeRawBufferPointer, to prefixes: inout [UInt16]) {
        var crc = prefixes.last ?? 0
        prefixes.reserveCapacity(prefixes.count + bytes.count)
        for byte in bytes {
            crc = (crc << 8) ^ crc16Table[Int(UInt8(truncatingIfNeeded: crc >> 8) ^ byte)]
            prefixes.append(crc)
        }
    }

    /// The CRC-16/CCITT-FALSE of the bytes between two running prefixes `count` bytes apart. The
    /// CRC is linear: the register after a range equals the prefix at its end minus the prefix at
    /// its start carried through `count` bytes (times x^(8·count) mod the polynomial), and the
    /// 0xFFFF initial value is carried the same way. So a receiver checks every candidate frame
    /// without reading its bytes again.
    static func crc16(prefixAtStart start: UInt16, prefixAtEnd end: UInt16, count: Int) -> UInt16 {
        end ^ shift(start ^ 0xFFFF, bytes: count)
    }

    /// `value` · x^(8·bytes) mod 0x11021: what the register holds after `bytes` zero bytes.
    static func shift(_ value: UInt16, bytes: Int) -> UInt16 {
        var result = value
        var remaining = bytes
        var power = 0
        while remaining > 0 {
            if remaining & 1 != 0 { result = multiply(result, byteShiftPowers[power]) }
            remaining >>= 1
            power += 1
        }
        return result
    }

    /// Carry-less product of two polynomials modulo x^16 + x^12 + x^5 + 1.
    private static func multiply(_ a: UInt16, _ b: UInt16) -> UInt16 {
        var result: UInt16 = 0
        var a = a
        var b = b
        while b != 0 {
            if b & 1 != 0 { result ^= a }
            b >>= 1
            a = a & 0x8000 != 0 ? (a << 1) ^ 0x1021 : a << 1
        }
        return result
    }

    /// x^(8·2^i) mod the polynomial, for byte counts up to 2^40.
    private static let byteShiftPowers: [UInt16] = {
        var powers: [UInt16] = [0x0100]   // x^8
        while powers.count < 40 {
            let last = powers[powers.count - 1]
            powers.append(multiply(last, last))
        }
        return powers
    }()

    private static let crc8Table: [UInt8] = (0..<256).map { index in
        var crc = UInt8(index)
        for _ in 0..<8 { crc = crc & 0x80 != 0 ? (crc << 1) ^ 0x07 : crc << 1 }
        return crc
    }

    private static let crc16Table: [UInt16] = (0..<256).map { index in
        var crc = UInt16(index) << 8
        for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
        return crc
    }
}
