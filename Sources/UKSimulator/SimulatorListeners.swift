import Logging
import NIOCore
import NIOPosix
import UKBridge

/// Where else a simulator can listen, so every transport ukfs speaks can be tried without a VM.
public enum SimulatorListenAddress: Sendable {
    case unix(path: String)
    case tcp(host: String, port: Int)
    case vsock(cid: UInt32, port: UInt32)
    /// A Unix socket that behaves as Firecracker's hybrid vsock in front of a guest listening on `port`.
    case firecracker(path: String, port: UInt32)
}

extension SimulatorServer {
    /// Serves `store` (shared with the simulator's other listeners) on one more address.
    public static func start(
        store: SimulatedStore, listening address: SimulatorListenAddress,
        group: EventLoopGroup, logger: Logger
    ) async throws -> SimulatorServer {
        let guestPort: UInt32? = if case .firecracker(_, let port) = address { port } else { nil }
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let guestPort {
                        try channel.pipeline.syncOperations.addHandler(FirecrackerStandIn(guestPort: guestPort))
                    }
                    try channel.pipeline.syncOperations.addHandler(FrameChannelHandler(maxPayload: ProtocolLimits.maxPayload))
                    try channel.pipeline.syncOperations.addHandler(SimulatorConnectionHandler(store: store, logger: logger))
                }
            }
        let channel: Channel
        switch address {
        case .unix(let path), .firecracker(let path, _):
            channel = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: false).get()
        case .tcp(let host, let port):
            channel = try await bootstrap.serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port).get()
        case .vsock(let cid, let port):
            channel = try await bootstrap.bind(to: VsockAddress(cid: .init(rawValue: cid), port: .init(rawValue: port))).get()
        }
        return SimulatorServer(store: store, channel: channel)
    }

    /// The port a TCP listener got (useful after asking for port 0).
    public var boundPort: Int? { channel.localAddress?.port }
}

/// Firecracker's side of the hybrid vsock handshake: reads `CONNECT <port>\n`, answers
/// `OK <host port>\n` when the port is the guest's, else closes as Firecracker does.
final class FirecrackerStandIn: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let guestPort: UInt32
    private var received: [UInt8] = []
    private var connected = false
    /// Firecracker numbers host-side ports from 1 << 30 upwards; any number does here.
    private static let hostPort = 1_073_741_824

    init(guestPort: UInt32) { self.guestPort = guestPort }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !connected else { return context.fireChannelRead(data) }
        var buffer = unwrapInboundIn(data)
        received += buffer.readBytes(length: buffer.readableBytes) ?? []
        guard let newline = received.firstIndex(of: 0x0A) else {
            if received.count > 64 { context.close(promise: nil) }
            return
        }
        let line = String(decoding: received[..<newline], as: UTF8.self)
        guard line == "CONNECT \(guestPort)" else {
            context.close(promise: nil)
            return
        }
        connected = true
        var answer = context.channel.allocator.buffer(capacity: 16)
        answer.writeString("OK \(Self.hostPort)\n")
        context.writeAndFlush(wrapOutboundOut(answer), promise: nil)
        let rest = Array(received[(newline + 1)...])
        received = []
        if !rest.isEmpty {
            var forward = context.channel.allocator.buffer(capacity: rest.count)
            forward.writeBytes(rest)
            context.fireChannelRead(wrapInboundOut(forward))
        }
        context.pipeline.syncOperations.removeHandler(self, promise: nil)
    }
}
