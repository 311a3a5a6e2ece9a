import Logging
import NIOCore
import NIOEmbedded
import Synchronization
import Testing
import UKBridge

@testable import UKBridgeClient

@Suite("Answers routed to the request that waits for them")
struct AnswerRouterTests {
    private static let quiet = Logger(label: "unit") { _ in SwiftLogNoOpLogHandler() }

    /// A connection's receiving half on an EmbeddedChannel, as BridgeConnection builds it: frames
    /// are reassembled, then routed.
    final class Rig: Sendable {
        let pending = PendingRequests()
        let events = Mutex<[ObjectEvent]>([])
        let closes = Mutex(0)
        let answers = Mutex<[UInt16: Result<Answer, BridgeError>]>([:])
        let channel = EmbeddedChannel()

        init() throws {
            let router = AnswerRouter(
                pending: pending, logger: AnswerRouterTests.quiet,
                onEvent: { [weak self] event in self?.events.withLock { $0.append(event) } },
                onClose: { [weak self] in self?.closes.withLock { $0 += 1 } })
            try channel.pipeline.syncOperations.addHandlers([FrameChannelHandler(maxPayload: 65535), router])
        }

        func ask() -> UInt16? {
            let rid = Mutex<UInt16?>(nil)
            let registered = pending.register(timeout: .seconds(60)) { [self] result in
                if let rid = rid.withLock({ $0 }) { answers.withLock { $0[rid] = result } }
            }
            rid.withLock { $0 = registered }
            return registered
        }

        func answer(_ rid: UInt16?) -> Result<Answer, BridgeError>? {
            guard let rid else { return nil }
            return answers.withLock { $0[rid] }
        }

        /// Bytes from the guest, split in two writes so a frame arrives in pieces.
        func receive(_ frame: ByteBuffer) throws {
            var frame = frame
            let half = frame.readableBytes / 2
            if let head = frame.readSlice(length: half) { try channel.writeInbound(head) }
            try channel.writeInbound(frame)
        }
    }

    @Test("answers complete their own requests, whatever order they come in")
    func outOfOrder() throws {
        let rig = try Rig()
        let first = rig.ask()
        let second = rig.ask()
        try rig.receive(FrameEncoder.frame(answer: .set, rid: second ?? 0))
        #expect(rig.answer(first) == nil)
        #expect(rig.answer(second) == .success(.set))
        try rig.receive(FrameEncoder.frame(answer: .get([.value(.unsigned(.u64, 42))]), rid: first ?? 0))
        #expect(rig.answer(first) == .success(.get([.value(.unsigned(.u64, 42))])))
    }

    @Test("a guest's failure answer reaches its request as that answer")
    func failureAnswer() throws {
        let rig = try Rig()
        let rid = rig.ask()
        try rig.receive(FrameEncoder.frame(answer: .failure(.set, errno: WireErrno.ERANGE), rid: rid ?? 0))
        #expect(rig.answer(rid) == .success(.failure(.set, errno: WireErrno.ERANGE)))
        #expect(rig.answer(rid)?.setFailure == WireErrno.ERANGE)
    }

    @Test("an answer nobody waits for is dropped; the next one still routes")
    func strayAnswer() throws {
        let rig = try Rig()
        let rid = rig.ask()
        try rig.receive(FrameEncoder.frame(answer: .set, rid: 999))
        #expect(rig.answer(rid) == nil)
        try rig.receive(FrameEncoder.frame(answer: .set, rid: rid ?? 0))
        #expect(rig.answer(rid) == .success(.set))
    }

    @Test("events go to the owner, not to a request")
    func events() throws {
        let rig = try Rig()
        let rid = rig.ask()
        let event = ObjectEvent(kind: .created, lib: 3, object: 1, generation: 8, name: Array("netdev1".utf8))
        try rig.receive(FrameEncoder.frame(event: event))
        #expect(rig.events.withLock { $0 } == [event])
        #expect(rig.answer(rid) == nil)
    }

    @Test("the connection's end fails what waits, as disconnected, and tells the owner once")
    func close() throws {
        let rig = try Rig()
        let rid = rig.ask()
        _ = try rig.channel.finish()
        #expect(rig.answer(rid) == .failure(.disconnected))
        #expect(rig.closes.withLock { $0 } == 1)
        #expect(rig.pending.register(timeout: .seconds(1), completion: { _ in }) == nil)
    }
}
