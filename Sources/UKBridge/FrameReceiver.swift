import NIOCore

/// The receiving half of §2.3: hunts for the magic, checks the header and the whole frame, and on
/// any failure discards exactly one byte and hunts again, so a real frame hidden inside a false
/// candidate is still found.
///
/// Cost is O(bytes received) whatever the sender does: each byte is read once by the hunt and
/// once into a running CRC prefix, and a candidate's body CRC comes from two prefixes (Checksum),
/// never from its bytes again. Otherwise a stream of fake headers claiming 64 KiB would cost a
/// 64 KiB CRC for every 5 bytes received. Memory is bounded by what has been appended and not yet
/// consumed; callers drain it with `nextPayload()` after every append.
public struct FrameReceiver: Sendable {
    public let maxPayload: Int
    private var buffer: ByteBuffer
    /// prefixes[i]: the CRC-16 register (initial value 0) after the buffer's bytes from index
    /// `prefixBase` up to, not including, index `prefixBase + i`.
    private var prefixes: [UInt16] = [0]
    private var prefixBase = 0
    /// Set by `dropStalePartialFrame()` until the next append: every incomplete candidate is stale.
    private var stale = false
    /// Bytes thrown away while hunting or after a failed check; for logs and tests.
    public private(set) var discardedBytes = 0
    /// Frames that failed a header or body check.
    public private(set) var rejectedFrames = 0

    public init(maxPayload: Int = ProtocolLimits.maxPayload, allocator: ByteBufferAllocator = .init()) {
        self.maxPayload = min(max(maxPayload, ProtocolLimits.minPayload), ProtocolLimits.maxPayload)
        self.buffer = allocator.buffer(capacity: 1024)
    }

    public mutating func append(_ bytes: ByteBuffer) {
        stale = false
        bytes.withUnsafeReadableBytes { Checksum.appendCRC16Prefixes($0, to: &prefixes) }
        var bytes = bytes
        buffer.writeBuffer(&bytes)
    }

    public mutating func append(_ bytes: [UInt8]) {
        stale = false
        bytes.withUnsafeBytes { Checksum.appendCRC16Prefixes($0, to: &prefixes) }
        buffer.writeBytes(bytes)
    }

    /// True when bytes wait for more (a frame that has begun): the caller's inter-byte timer may
    /// call `dropStalePartialFrame()` if nothing more arrives.
    public var hasPartialFrame: Bool { buffer.readableBytes > 0 }

    /// §2.3 step 4: nothing arrived for the inter-byte timeout, so every candidate still waiting
    /// for bytes is stale. The next `nextPayload()` calls deliver good frames still in the buffer
    /// and drop the rest — all of it, not one candidate per timeout, which would leave 64 KiB of
    /// fake headers blocking the line for an hour.
    public mutating func dropStalePartialFrame() {
        stale = true
    }

    /// The next good frame's payload, or nil when more bytes are needed.
    public mutating func nextPayload() -> ByteBuffer? {
        while true {
            hunt()
            let start = buffer.readerIndex
            guard buffer.readableBytes >= 5,
                let length16: UInt16 = buffer.getInteger(at: start + 2, endianness: .little),
                let headerCRC: UInt8 = buffer.getInteger(at: start + 4)
            else { return waitOrDropStale() }
            let length = Int(length16)
            guard headerCRC == Checksum.crc8(length: length16), length >= 3, length <= maxPayload else {
                rejectOneByte()
                continue
            }
            let frameLength = length + ProtocolLimits.frameOverhead
            guard buffer.readableBytes >= frameLength else {
                if stale {
                    rejectOneByte()
                    continue
                }
                return nil
            }
            let crc = Checksum.crc16(
                prefixAtStart: prefixes[start + 2 - prefixBase],
                prefixAtEnd: prefixes[start + 5 + length - prefixBase], count: length + 3)
            guard let sentCRC: UInt16 = buffer.getInteger(at: start + 5 + length, endianness: .little),
                sentCRC == crc
            else {
                rejectOneByte()
                continue
            }
            let payload = buffer.getSlice(at: start + 5, length: length)
            buffer.moveReaderIndex(forwardBy: frameLength)
            compact()
            return payload
        }
    }

    /// Fewer than 5 bytes: wait for more, or, when stale, drop them too.
    private mutating func waitOrDropStale() -> ByteBuffer? {
        if stale, buffer.readableBytes > 0 {
            discardedBytes += buffer.readableBytes
            rejectedFrames += 1
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            compact()
        }
        stale = false
        return nil
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
        compact()
    }

    /// Gives back the memory of consumed bytes, keeping the prefixes aligned with the buffer.
    private mutating func compact() {
        if buffer.readableBytes == 0 {
            buffer.clear()
            prefixes.removeAll(keepingCapacity: true)
            prefixes.append(0)
            prefixBase = 0
        } else if buffer.readerIndex > max(4096, buffer.readableBytes) {
            // Only once the consumed part outweighs what is left: the copy stays O(1) per byte.
            let consumed = buffer.readerIndex
            buffer.discardReadBytes()
            // The prefix at the new first byte stays as it is: ranges use differences only.
            prefixes.removeFirst(consumed - prefixBase)
            prefixBase = 0
        }
    }
}
