import NIOCore
import Testing

@testable import UKBridge

@Suite("Protocol v1 codec against the test vectors")
struct CodecTests {
    @Test("the vector file is there and complete")
    func vectorsLoad() {
        #expect(ProtocolVector.all.count >= 50)
        #expect(ProtocolVector.all.contains { $0.name == "get-netdev0-rx_bytes" })
    }

    @Test("decoding each stream yields exactly the listed messages", arguments: ProtocolVector.all)
    func decode(vector: ProtocolVector) {
        var receiver = FrameReceiver(maxPayload: vector.maxPayload)
        receiver.append(vector.stream)
        var decoded: [String] = []
        while let payload = receiver.nextPayload() {
            decoded.append(CanonicalText.render(MessageCodec.decode(payload)))
        }
        #expect(decoded == vector.messages)
    }

    @Test("the same stream fed one byte at a time decodes the same", arguments: ProtocolVector.all)
    func decodeByteByByte(vector: ProtocolVector) {
        var receiver = FrameReceiver(maxPayload: vector.maxPayload)
        var decoded: [String] = []
        for byte in vector.stream {
            receiver.append([byte])
            while let payload = receiver.nextPayload() {
                decoded.append(CanonicalText.render(MessageCodec.decode(payload)))
            }
        }
        #expect(decoded == vector.messages)
    }

    /// Every good single-message vector but the one written with a non-shortest varint on purpose.
    static let reencodable = ProtocolVector.all.filter {
        $0.messages.count == 1 && !$0.messages[0].hasPrefix("malformed") && !$0.messages[0].hasPrefix("unknown")
            && !$0.name.contains("non-minimal")
    }

    @Test("re-encoding a good single-frame vector reproduces its bytes exactly", arguments: reencodable)
    func reencode(vector: ProtocolVector) throws {
        var receiver = FrameReceiver(maxPayload: vector.maxPayload)
        receiver.append(vector.stream)
        let next = receiver.nextPayload()
        let payload = try #require(next)
        var out = ByteBuffer()
        switch MessageCodec.decode(payload) {
        case .request(let rid, let request):
            FrameEncoder.writeFrame(into: &out) { MessageCodec.encode(request: request, rid: rid, into: &$0) }
        case .answer(let rid, let answer):
            FrameEncoder.writeFrame(into: &out) { MessageCodec.encode(answer: answer, rid: rid, into: &$0) }
        case .event(let event):
            FrameEncoder.writeFrame(into: &out) { MessageCodec.encode(event: event, into: &$0) }
        case .malformed, .unknown:
            Issue.record("a good vector decoded as bad")
        }
        // Vectors with noise around the frame: compare with the frame inside the stream.
        let bytes = Array(out.readableBytesView)
        #expect(
            vector.stream.windows(ofCount: bytes.count).contains { Array($0) == bytes } || vector.stream == bytes,
            "encoder output \(bytes) is not in the vector")
    }

    @Test("a share's EVENTS_LOST (0x41) round-trips as an overflow event; an EVENT of kind 3 stays malformed")
    func eventsLost() {
        let marker = ObjectEvent(kind: .overflow, lib: 0, object: 1234, generation: 99, name: [])
        var frame = FrameEncoder.frame(event: marker)
        var receiver = FrameReceiver()
        receiver.append(frame.readBytes(length: frame.readableBytes) ?? [])
        let payload = receiver.nextPayload()
        #expect(payload?.getInteger(at: payload?.readerIndex ?? 0, as: UInt8.self) == 0x41)
        let message = payload.map(MessageCodec.decode)
        #expect(message == .event(marker))
        #expect(message.map(CanonicalText.render) == "EVENTS_LOST rid=0 dropped=1234 generation=99")
        var kind3 = ByteBuffer(bytes: [0x40, 0x00, 0x00, 0x03, 0x02, 0x01, 0x07, 0x01, 0x78])
        #expect(
            MessageCodec.decode(kind3.readSlice(length: kind3.readableBytes) ?? ByteBuffer())
                == .malformed(type: 0x40, rid: 0, reason: "unknown event kind 3"))
    }

    @Test("a ref's encoded size is what encoding it writes")
    func refSize() {
        for value: UInt64 in [0, 127, 128, 16_383, 16_384, 1 << 35, .max] {
            let ref = EntryRef(lib: value, slot: value / 2, entry: 1)
            var buffer = ByteBuffer()
            buffer.writeRef(ref)
            #expect(ref.encodedSize == buffer.readableBytes, "\(value)")
        }
    }

    @Test("the checksums have their catalogue check values")
    func checksums() {
        let digits = Array("123456789".utf8)
        #expect(Checksum.crc8(digits) == 0xF4)
        #expect(Checksum.crc16(digits) == 0x29B1)
    }

    @Test("a stale partial frame is dropped so the next frame is found")
    func stalePartialFrame() {
        let ping = FrameEncoder.frame(request: .ping, rid: 9)
        var receiver = FrameReceiver()
        // A GET whose sender vanished after 8 of its bytes: it claims more than it has.
        let get = FrameEncoder.frame(request: .get([.staticEntry(lib: 0, entry: 1)]), rid: 3)
        receiver.append(Array(get.readableBytesView.prefix(8)))
        #expect(receiver.nextPayload() == nil)
        #expect(receiver.hasPartialFrame)
        receiver.dropStalePartialFrame()
        receiver.append(ping)
        let payload = receiver.nextPayload()
        #expect(payload.map { CanonicalText.render(MessageCodec.decode($0)) } == "PING rid=9")
    }
}

extension Array where Element == UInt8 {
    func windows(ofCount count: Int) -> [ArraySlice<UInt8>] {
        guard count > 0, count <= self.count else { return [] }
        return (0...(self.count - count)).map { self[$0..<($0 + count)] }
    }
}
