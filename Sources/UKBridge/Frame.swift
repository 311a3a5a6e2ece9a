import NIOCore

/// Wraps payloads in frames: magic, length, header CRC-8, payload, CRC-16 (docs/protocol.md §2.1).
public enum FrameEncoder {
    public static let magic0: UInt8 = 0x55
    public static let magic1: UInt8 = 0x4B

    /// Writes one frame whose payload is produced by `writePayload`, in place, with no copy.
    public static func writeFrame(into buffer: inout ByteBuffer, _ writePayload: (inout ByteBuffer) -> Void) {
        let frameStart = buffer.writerIndex
        // Length and header CRC are patched below; one multi-integer write per part keeps a frame
        // at three buffer writes (each write is a generic copy in NIO, visible in profiles).
        buffer.writeMultipleIntegers(magic0, magic1, UInt16(0), UInt8(0), endianness: .little)
        let payloadStart = buffer.writerIndex
        writePayload(&buffer)
        let length = buffer.writerIndex - payloadStart
        precondition(length <= ProtocolLimits.maxPayload, "payload of \(length) bytes built by ukfs itself")
        let lengthBytes = UInt16(length)
        let headerCRC = Checksum.crc8(length: lengthBytes)
        let start = frameStart - buffer.readerIndex
        let crc = buffer.withUnsafeMutableReadableBytes { bytes in
            bytes[start + 2] = UInt8(truncatingIfNeeded: lengthBytes)
            bytes[start + 3] = UInt8(truncatingIfNeeded: lengthBytes >> 8)
            bytes[start + 4] = headerCRC
            return Checksum.crc16(UnsafeRawBufferPointer(rebasing: bytes[(start + 2)...]))
        }
        buffer.writeInteger(crc, endianness: .little)
    }

    public static func frame(request: Request, rid: UInt16, allocator: ByteBufferAllocator = .init()) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 32)
        writeFrame(into: &buffer) { MessageCodec.encode(request: request, rid: rid, into: &$0) }
        return buffer
    }

    public static func frame(answer: Answer, rid: UInt16, allocator: ByteBufferAllocator = .init()) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 64)
        writeFrame(into: &buffer) { MessageCodec.encode(answer: answer, rid: rid, into: &$0) }
        return buffer
    }

    public static func frame(event: ObjectEvent, allocator: ByteBufferAllocator = .init()) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 32)
        writeFrame(into: &buffer) { MessageCodec.encode(event: event, into: &$0) }
        return buffer
    }
}
