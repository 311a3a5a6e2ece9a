import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization
import UKBridge

/// One live connection to a guest: handshaken, pipelined (answers may come in any order), every
/// request bounded in time. Requests complete through callbacks on the connection's event loop, so
/// a FUSE handler can return at once and reply when the answer comes.
public final class BridgeConnection: Sendable {
    public typealias Completion = @Sendable (Result<Answer, BridgeError>) -> Void

    public let address: BridgeAddress
    public let hello: HelloInfo
    /// The largest GET batch and payload both sides accept.
    public var maxBatch: Int { hello.maxBatch }
    public static let maxOutstanding = 256
    public static let hostMaxPayload = ProtocolLimits.maxPayload
    /// Log throttles shared by every connection of the process: a guest that is dropped and
    /// retried again and again must not log once per connection.
    private static let damagedFrames = LogThrottle()
    private static let damagedConnections = LogThrottle()

    private let line: Line
    private var channel: Channel { line.channel }
    private let pending: PendingRequests
    private let logger: Logger
    /// The bytes and requests this connection exchanged (HELLO included).
    public var traffic: TrafficCounter { line.traffic }

    /// How requests reach the guest: straight to the socket when a DirectWriter exists, else
    /// through the channel (TCP, vsock).
    struct Line: Sendable {
        let channel: Channel
        let writer: DirectWriter?
        let traffic: TrafficCounter
    }

    init(address: BridgeAddress, hello: HelloInfo, line: Line, pending: PendingRequests, logger: Logger) {
        self.address = address
        self.hello = hello
        self.line = line
        self.pending = pending
        self.logger = logger
    }

    /// Connects, handshakes, and returns a connection ready for requests. `onEvent` receives object
    /// events once `watch` is on; `onClose` is told once when the connection ends.
    public static func connect(
        to address: BridgeAddress, group: EventLoopGroup, timeout: Duration,
        logger: Logger,
        onEvent: @escaping @Sendable (ObjectEvent) -> Void = { _ in },
        onClose: @escaping @Sendable () -> Void = {}
    ) async throws(BridgeError) -> BridgeConnection {
        let pending = PendingRequests()
        let traffic = TrafficCounter()
        let line: Line
        do {
            let bootstrap = ClientBootstrap(group: group)
                .connectTimeout(TimeAmount(timeout))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(traffic)
                        try channel.pipeline.syncOperations.addHandler(
                            FrameChannelHandler(
                                maxPayload: hostMaxPayload, damage: DamageMeter(),
                                onRejected: { count in
                                    if let total = damagedFrames.note(count) {
                                        logger.warning(
                                            "dropped damaged or oversized frames from the guest", metadata: ["total": "\(total)"])
                                    }
                                },
                                onDamaged: {
                                    if let total = damagedConnections.note() {
                                        logger.warning(
                                            "the guest keeps sending damaged frames: dropping the connection (it is retried with backoff)",
                                            metadata: ["times": "\(total)"])
                                    }
                                }))
                        try channel.pipeline.syncOperations.addHandler(
                            AnswerRouter(pending: pending, logger: logger, onEvent: onEvent, onClose: onClose))
                    }
                }
            let (channel, writer) = try await Transports.open(address, bootstrap: bootstrap, timeout: timeout)
            line = Line(channel: channel, writer: writer, traffic: traffic)
        } catch let error as FirecrackerHandshakeError {
            throw .transport(address, reason: error.reason)
        } catch let error as IOError {
            throw .unreachable(address, errno: error.errnoCode)
        } catch let error as NIOConnectionError {
            // TCP: every address of the host failed; the first one's errno says why.
            if error.dnsAError != nil && error.dnsAAAAError != nil { throw .transport(address, reason: "unknown host") }
            let first = error.connectionErrors.lazy.compactMap { $0.error as? IOError }.first
            throw .unreachable(address, errno: first?.errnoCode ?? EIO)
        } catch let error as ChannelError {
            if case .connectTimeout = error { throw .noHandshake(address) }
            throw .unreachable(address, errno: EIO)
        } catch {
            throw .unreachable(address, errno: EIO)
        }
        let channel = line.channel
        pending.startSweeping(on: channel.eventLoop)

        // §2.4: HELLO, and again every 500 ms until the deadline, in case the guest sat in a stale
        // partial frame or the line was noisy.
        let deadline = ContinuousClock.now + timeout
        let request = Request.hello(
            minVersion: ProtocolLimits.version, maxVersion: ProtocolLimits.version,
            maxPayload: hostMaxPayload)
        while ContinuousClock.now < deadline {
            let attempt = min(Duration.milliseconds(500), deadline - ContinuousClock.now)
            let result = await send(request, on: line, pending: pending, timeout: attempt)
            switch result {
            case .success(.hello(let info)):
                guard info.version == ProtocolLimits.version else {
                    channel.close(promise: nil)
                    throw .incompatible(address, reason: "guest chose version \(info.version)")
                }
                return BridgeConnection(address: address, hello: info, line: line, pending: pending, logger: logger)
            case .success(.failure(.hello, let errno)) where errno == WireErrno.EUSERS:
                // Only a share says so (docs/protocol.md §10): it serves as many clients as it may.
                channel.close(promise: nil)
                throw .shareFull(address, clients: LineShare.maxClients)
            case .success(.failure(.hello, let errno)) where errno == WireErrno.EPROTONOSUPPORT:
                channel.close(promise: nil)
                throw .incompatible(address, reason: "guest does not speak version \(ProtocolLimits.version)")
            case .failure(.disconnected):
                throw .noHandshake(address)
            case .success, .failure:
                continue
            }
        }
        channel.close(promise: nil)
        throw .noHandshake(address)
    }

    private static func send(
        _ request: Request, on line: Line, pending: PendingRequests,
        timeout: Duration
    ) async -> Result<Answer, BridgeError> {
        await withCheckedContinuation { continuation in
            submit(request, on: line, pending: pending, timeout: timeout) { continuation.resume(returning: $0) }
        }
    }

    private static func submit(
        _ request: Request, on line: Line, pending: PendingRequests,
        timeout: Duration, completion: @escaping Completion
    ) {
        guard let rid = pending.register(timeout: timeout, completion: completion) else {
            completion(.failure(.overloaded))
            return
        }
        var buffer = line.channel.allocator.buffer(capacity: 32)
        FrameEncoder.writeFrame(into: &buffer) { MessageCodec.encode(request: request, rid: rid, into: &$0) }
        guard let writer = line.writer else {
            // No future per request: a write can only fail on a closed channel, and closing fails
            // every registered request (AnswerRouter.channelInactive → failAll); the sweep bounds the rest.
            line.channel.writeAndFlush(buffer, promise: nil)
            return
        }
        let written = buffer.withUnsafeReadableBytes { writer.write($0, until: .now + timeout) }
        guard written else {
            // A line that cannot take a request is broken: close it, which fails what waits on it.
            pending.complete(rid: rid, with: .failure(.disconnected))
            line.channel.close(promise: nil)
            return
        }
        line.traffic.countSent(buffer.readableBytes)
    }

    /// Sends a request; `completion` runs once, on the event loop, with the answer or the reason
    /// there is none (after at most `timeout`). Values that break what the guest announced are
    /// refused on the way (AnswerRules).
    public func send(_ request: Request, timeout: Duration, completion: @escaping Completion) {
        guard case .get = request else {
            return Self.submit(request, on: line, pending: pending, timeout: timeout, completion: completion)
        }
        Self.submit(request, on: line, pending: pending, timeout: timeout) { [self] result in
            completion(result.map(checked))
        }
    }

    public func send(_ request: Request, timeout: Duration) async -> Result<Answer, BridgeError> {
        await withCheckedContinuation { continuation in
            send(request, timeout: timeout) { continuation.resume(returning: $0) }
        }
    }

    private static let refusedValues = LogThrottle()

    private func checked(_ answer: Answer) -> Answer {
        let (answer, refused) = AnswerRules.check(answer, maxString: hello.maxString)
        if refused > 0, let total = Self.refusedValues.note(refused) {
            logger.warning(
                "refused string values from the guest: longer than its max_string (\(hello.maxString)) or containing NUL",
                metadata: ["total": "\(total)"])
        }
        return answer
    }

    public var isActive: Bool { channel.isActive }

    public func close() {
        channel.close(promise: nil)
    }

    public var closeFuture: EventLoopFuture<Void> { channel.closeFuture }
}
