import Logging
import NIOCore
import NIOPosix
import UKBridge

/// Serves a `SimulatedStore` over protocol v1 on a Unix socket, one handler per connection, like
/// the guest agent would over its line.
public final class SimulatorServer: Sendable {
    public let store: SimulatedStore
    let channel: Channel

    init(store: SimulatedStore, channel: Channel) {
        self.store = store
        self.channel = channel
    }

    /// With `oneClient`, serves one connection at a time and leaves the next waiting in the
    /// backlog, as a real guest's line does (QEMU's chardev socket, the C agent's host build).
    public static func start(
        store: SimulatedStore, unixSocketPath path: String,
        group: EventLoopGroup, logger: Logger, oneClient: Bool = false
    ) async throws -> SimulatorServer {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.maxMessagesPerRead, value: UInt(oneClient ? 1 : 4))
            .serverChannelInitializer { server in
                server.eventLoop.makeCompletedFuture {
                    if oneClient { try server.pipeline.syncOperations.addHandler(OneClientAtATime()) }
                }
            }
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        FrameChannelHandler(maxPayload: ProtocolLimits.maxPayload))
                    try channel.pipeline.syncOperations.addHandler(
                        SimulatorConnectionHandler(store: store, logger: logger))
                }
            }
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: false)
            .get()
        return SimulatorServer(store: store, channel: channel)
    }

    public func close() async {
        try? await channel.close()
    }

    public var closeFuture: EventLoopFuture<Void> { channel.closeFuture }
}

/// One host connection: decodes requests, asks the store, writes answers (and events after WATCH).
final class SimulatorConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let store: SimulatedStore
    private let logger: Logger
    private var hostMaxPayload = ProtocolLimits.minPayload
    private var subscription: UInt64?

    init(store: SimulatedStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    func channelInactive(context: ChannelHandlerContext) {
        unwatch()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let answer: (UInt16, Answer)
        switch MessageCodec.decode(unwrapInboundIn(data)) {
        case .request(let rid, let request):
            answer = (rid, handle(request, context: context))
        case .malformed(let type, let rid, let reason):
            logger.debug("malformed request", metadata: ["type": "\(type)", "reason": "\(reason)"])
            guard let kind = RequestKind(rawValue: type) else { return }
            answer = (rid, .failure(kind, errno: WireErrno.EPROTO))
        case .unknown(let type, let rid):
            var buffer = context.channel.allocator.buffer(capacity: 16)
            FrameEncoder.writeFrame(into: &buffer) { MessageCodec.encodeUnknownAnswer(type: type, rid: rid, into: &$0) }
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
            return
        case .answer, .event:
            return   // a guest receives no answers or events
        }
        var buffer = context.channel.allocator.buffer(capacity: 64)
        FrameEncoder.writeFrame(into: &buffer) { MessageCodec.encode(answer: answer.1, rid: answer.0, into: &$0) }
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

    private func handle(_ request: Request, context: ChannelHandlerContext) -> Answer {
        switch request {
        case .hello(let minVersion, let maxVersion, let maxPayload):
            unwatch()
            guard maxPayload >= ProtocolLimits.minPayload else { return .failure(.hello, errno: WireErrno.EPROTO) }
            guard minVersion <= ProtocolLimits.version, ProtocolLimits.version <= maxVersion else {
                return .failure(.hello, errno: WireErrno.EPROTONOSUPPORT)
            }
            hostMaxPayload = maxPayload
            return .hello(store.hello(hostMaxPayload: hostMaxPayload))
        case .list(let scope, let start):
            return store.list(scope, start: start, maxPayload: hostMaxPayload)
        case .get(let refs):
            return .get(Self.fitting(store.get(refs), in: hostMaxPayload))
        case .set(let ref, let value):
            let status = store.set(ref, value)
            return status == 0 ? .set : .failure(.set, errno: status)
        case .watch(let flags):
            unwatch()
            if flags & 1 != 0 {
                let channel = context.channel
                subscription = store.subscribe { event in
                    channel.writeAndFlush(FrameEncoder.frame(event: event, allocator: channel.allocator), promise: nil)
                }
            }
            return .watch(generation: store.generation)
        case .ping:
            return .ping(generation: store.generation)
        }
    }

    /// Keeps a GET answer within what the host accepts: a value that would overflow it is answered
    /// EOVERFLOW (docs/protocol.md §3.3), and the host asks for it alone.
    static func fitting(_ results: [EntryResult], in maxPayload: Int) -> [EntryResult] {
        var room = maxPayload - 3 - 1 - 3   // type and rid, status, count
        return results.map { result in
            let size: Int
            switch result {
            case .value(.charp(let bytes)): size = 1 + 3 + bytes.count
            case .value: size = 1 + 10
            case .error: size = 1 + 5
            }
            if size <= room {
                room -= size
                return result
            }
            room -= 6
            return .error(WireErrno.EOVERFLOW)
        }
    }

    private func unwatch() {
        if let subscription { store.unsubscribe(subscription) }
        subscription = nil
    }
}
