import NIOCore

/// Why a message body could not be decoded. The receiver answers EPROTO (guest) or drops and logs
/// (host); it never trusts a partly decoded body.
public struct MalformedBody: Error, Sendable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// How many bytes the shortest LEB128 form of `value` takes (1…10).
@inlinable
public func varintSize(_ value: UInt64) -> Int {
    var value = value
    var size = 1
    while value >= 0x80 {
        value >>= 7
        size += 1
    }
    return size
}

extension ByteBuffer {
    /// Writes `value` as unsigned LEB128, shortest form.
    @inlinable
    public mutating func writeVarint(_ value: UInt64) {
        // One write of all its bytes: a writeInteger per byte costs a generic copy each, and
        // varints are most of every GET answer.
        writeWithUnsafeMutableBytes(minimumWritableBytes: ProtocolLimits.maxVarintBytes) { out in
            var rest = value
            var count = 0
            while rest >= 0x80 {
                out[count] = UInt8(truncatingIfNeeded: rest) | 0x80
                rest >>= 7
                count += 1
            }
            out[count] = UInt8(rest)
            return count + 1
        }
    }

    @inlinable
    public mutating func writeVarint(_ value: Int) { writeVarint(UInt64(value)) }

    /// Writes a signed value zigzag-encoded.
    @inlinable
    public mutating func writeSignedVarint(_ value: Int64) {
        writeVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// Reads unsigned LEB128; accepts non-shortest forms, refuses more than 10 bytes or 64 bits.
    @inlinable
    public mutating func readVarint() throws(MalformedBody) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        for index in 0..<ProtocolLimits.maxVarintBytes {
            guard let byte: UInt8 = readInteger() else { throw MalformedBody("truncated varint") }
            if index == ProtocolLimits.maxVarintBytes - 1 && byte > 1 {
                throw MalformedBody("varint exceeds 64 bits")
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
        throw MalformedBody("varint longer than 10 bytes")
    }

    /// Reads a varint that must not exceed `limit` (counts, lengths, sizes).
    @inlinable
    public mutating func readVarint(atMost limit: Int, _ what: String) throws(MalformedBody) -> Int {
        let value = try readVarint()
        guard value <= UInt64(limit) else { throw MalformedBody("\(what) \(value) exceeds \(limit)") }
        return Int(value)
    }

    @inlinable
    public mutating func readSignedVarint() throws(MalformedBody) -> Int64 {
        let raw = try readVarint()
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    @inlinable
    public mutating func readByte(_ what: String) throws(MalformedBody) -> UInt8 {
        guard let byte: UInt8 = readInteger() else { throw MalformedBody("truncated \(what)") }
        return byte
    }

    /// Reads `count` raw bytes.
    @inlinable
    public mutating func readBytes(count: Int, _ what: String) throws(MalformedBody) -> [UInt8] {
        guard let bytes = readBytes(length: count) else { throw MalformedBody("truncated \(what)") }
        return bytes
    }

    /// A u8 length and that many bytes.
    @inlinable
    public mutating func readString8(_ what: String) throws(MalformedBody) -> [UInt8] {
        let length = try readByte(what)
        return try readBytes(count: Int(length), what)
    }

    @inlinable
    public mutating func writeString8(_ bytes: [UInt8]) {
        writeInteger(UInt8(clamping: bytes.count))
        writeBytes(bytes.prefix(ProtocolLimits.maxNameLength))
    }
}
