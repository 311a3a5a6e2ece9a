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
