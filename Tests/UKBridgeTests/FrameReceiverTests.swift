import NIOCore
import Testing

@testable import UKBridge

/// The receiver's cost and resync against hostile streams (docs/protocol.md §2.3).
@Suite("Frame receiver")
struct FrameReceiverTests {
    /// `U K ff ff <valid header CRC>`: a header claiming a 65,535-byte payload.
    static let fakeHeader: [UInt8] = [0x55, 0x4B, 0xFF, 0xFF, Checksum.crc8(length: 0xFFFF)]

    @Test("a range's CRC from running prefixes equals the CRC of its bytes")
    func prefixCRC() {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<5000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        var prefixes: [UInt16] = [0]
        bytes.withUnsafeBytes { Checksum.appendCRC16Prefixes($0, to: &prefixes) }
        for _ in 0..<500 {
            let start = Int.random(in: 0..<bytes.count)
            let end = Int.random(in: start...bytes.count)
            let direct = bytes[start..<end].withUnsafeBytes { Checksum.crc16($0) }
            #expect(
                Checksum.crc16(prefixAtStart: prefixes[start], prefixAtEnd: prefixes[end], count: end - start) == direct,
                "range \(start)..<\(end)")
        }
    }

    @Test("megabytes of fake headers are discarded in one pass, and a real frame behind them is found")
    func fakeHeaderStream() {
        var receiver = FrameReceiver()
        let stream = Array([[UInt8]](repeating: Self.fakeHeader, count: 400_000).joined())   // 2 MB
        // In 64 KiB reads, as a socket delivers them; a 64 KiB CRC per candidate would take minutes.
        var offset = 0
        while offset < stream.count {
            receiver.append(Array(stream[offset..<min(stream.count, offset + 65536)]))
            #expect(receiver.nextPayload() == nil)
            offset += 65536
        }
        #expect(receiver.rejectedFrames > 380_000)
        receiver.append(FrameEncoder.frame(request: .ping, rid: 7))
        receiver.append([UInt8](repeating: 0xFF, count: 65542))   // completes every fake candidate
        let payload = receiver.nextPayload()
        #expect(payload.map { CanonicalText.render(MessageCodec.decode($0)) } == "PING rid=7")
    }

    @Test("after the inter-byte timeout every stale candidate goes at once, not one per timeout")
    func staleBurst() {
        var receiver = FrameReceiver()
        receiver.append(Array([[UInt8]](repeating: Self.fakeHeader, count: 13_000).joined()))   // 65 KB burst
        #expect(receiver.nextPayload() == nil)
        #expect(receiver.hasPartialFrame)
        receiver.dropStalePartialFrame()
        #expect(receiver.nextPayload() == nil)
        #expect(!receiver.hasPartialFrame, "the whole stale burst is gone")
        receiver.append(FrameEncoder.frame(request: .ping, rid: 9))
        #expect(receiver.nextPayload().map { CanonicalText.render(MessageCodec.decode($0)) } == "PING rid=9")
    }

    @Test("a good frame inside a stale burst is still delivered")
    func goodFrameInStaleBurst() {
        var receiver = FrameReceiver()
        receiver.append(Self.fakeHeader + Array(FrameEncoder.frame(request: .ping, rid: 4).readableBytesView) + Self.fakeHeader)
        #expect(receiver.nextPayload() == nil, "waits: the first candidate claims 64 KiB")
        receiver.dropStalePartialFrame()
        #expect(receiver.nextPayload().map { CanonicalText.render(MessageCodec.decode($0)) } == "PING rid=4")
        #expect(receiver.nextPayload() == nil)
        #expect(!receiver.hasPartialFrame)
    }

    @Test("the damage meter passes a noisy line and trips on a stream of damage")
    func damageMeter() {
        let start = NIODeadline.now()
        var noisy = DamageMeter(now: start)
        // 100 KB of boot messages, then a few damaged frames a second for a minute.
        var over = noisy.add(discardedBytes: 100_000, rejectedFrames: 10, now: start)
        for second in 1...60 {
            over = over || noisy.add(discardedBytes: 200, rejectedFrames: 5, now: start + .seconds(Int64(second)))
        }
        #expect(!over)
        var hostile = DamageMeter(now: start)
        var tripped = false
        for step in 0..<100 where !tripped {
            tripped = hostile.add(discardedBytes: 65536, rejectedFrames: 13_000, now: start + .milliseconds(Int64(step)))
        }
        #expect(tripped)
    }
}
