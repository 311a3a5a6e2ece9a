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

/// The receiving half of §2.3: hunts for the magic, checks the header and the whole frame, and on
/// any failure discards exactly one byte and hunts again, so a real frame hidden inside a false
/// candidate is still found. Memory is bounded by what has been appended and not yet consumed;
/// callers drain it with `nextPayload()` after every append.
public struct FrameReceiver: Sendable {
    public let maxPayload: Int
    private var buffer: ByteBuffer
    /// Bytes thrown away while hunting or after a failed check; for logs and tests.
    public private(set) var discardedBytes = 0
    /// Frames that failed a header or body check.
    public private(set) var rejectedFrames = 0

    public init(maxPayload: Int = ProtocolLimits.maxPayload, allocator: ByteBufferAllocator = .init()) {
        self.maxPayload = min(max(maxPayload, ProtocolLimits.minPayload), ProtocolLimits.maxPayload)
        self.buffer = allocator.buffer(capacity: 1024)
    }

    public mutating func append(_ bytes: ByteBuffer) {
        var bytes = bytes
        buffer.writeBuffer(&bytes)
    }

    public mutating func append(_ bytes: [UInt8]) {
        buffer.writeBytes(bytes)
    }

    /// True when a frame has begun (its header passed) but is not complete: the caller's
    /// inter-byte timer may call `dropStalePartialFrame()` if nothing more arrives.
    public var hasPartialFrame: Bool { buffer.readableBytes > 0 }

    /// §2.3 step 4: the sender went away mid-frame; give up on this candidate.
    public mutating func dropStalePartialFrame() {
        guard buffer.readableBytes > 0 else { return }
        buffer.moveReaderIndex(forwardBy: 1)
        discardedBytes += 1
        rejectedFrames += 1
        hunt()
    }

    /// The next good frame's payload, or nil when more bytes are needed.
    public mutating func nextPayload() -> ByteBuffer? {
        while true {
            hunt()
            guard buffer.readableBytes >= 5 else { return nil }
            let start = buffer.readerIndex
            guard let length16: UInt16 = buffer.getInteger(at: start + 2, endianness: .little),
                  let headerCRC: UInt8 = buffer.getInteger(at: start + 4) else { return nil }
            let length = Int(length16)
            let expectedHeaderCRC = Checksum.crc8(length: length16)
            guard headerCRC == expectedHeaderCRC, length >= 3, length <= maxPayload else {
                rejectOneByte()
                continue
            }
            let frameLength = length + ProtocolLimits.frameOverhead
            guard buffer.readableBytes >= frameLength else { return nil }
            let crc = buffer.withUnsafeReadableBytes { bytes in
                Checksum.crc16(UnsafeRawBufferPointer(rebasing: bytes[2..<(5 + length)]))
            }
            guard let sentCRC: UInt16 = buffer.getInteger(at: start + 5 + length, endianness: .little),
                  sentCRC == crc else {
                rejectOneByte()
                continue
            }
            let payload = buffer.getSlice(at: start + 5, length: length)
            buffer.moveReaderIndex(forwardBy: frameLength)
            if buffer.readableBytes == 0 { buffer.clear() }
            return payload
        }
    }

    private mutating func rejectOneByte() {
        buffer.moveReaderIndex(forwardBy: 1)
        discardedBytes += 1
        rejectedFrames += 1
    }

    /// Discards everything before the next magic; keeps a lone trailing 0x55 that may begin one.
    private mutating func hunt() {
        let skip = buffer.withUnsafeReadableBytes { bytes -> Int in
            var index = 0
            while index < bytes.count {
                if bytes[index] == FrameEncoder.magic0 {
                    if index + 1 == bytes.count || bytes[index + 1] == FrameEncoder.magic1 { return index }
                }
                index += 1
            }
            return index
        }
        if skip > 0 {
            buffer.moveReaderIndex(forwardBy: skip)
            discardedBytes += skip
        }
        if buffer.readableBytes == 0 {
            buffer.clear()
        } else if buffer.readerIndex > 4096 {
            buffer.discardReadBytes()
        }
    }
}
