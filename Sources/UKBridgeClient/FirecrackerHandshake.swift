import NIOCore

/// Firecracker's hybrid vsock: the host connects to the VM's Unix socket, writes `CONNECT <port>\n`,
/// and Firecracker answers `OK <host port>\n` once the guest accepted; from then on the socket is the
/// guest's stream. This handler sits first in the pipeline, does that exchange, then gets out of
/// the way, passing on any bridge bytes that arrived with the `OK` line.
final class FirecrackerHandshake: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let maxLine = 64
    private let port: UInt32
    private let promise: EventLoopPromise<Void>
    private var received: [UInt8] = []
    private var done = false

    init(port: UInt32, promise: EventLoopPromise<Void>) {
        self.port = port
        self.promise = promise
    }

    /// Puts the handshake first in `channel`'s pipeline and waits for `OK`; fails with why
    /// Firecracker refused, or after `timeout`. The handler is made and added on the channel's event
    /// loop, so it never crosses threads: only its (Sendable) future does.
    static func run(on channel: Channel, port: UInt32, within timeout: Duration) async throws {
        let eventLoop = channel.eventLoop
        let answered = try await eventLoop.submit { () -> EventLoopPromise<Void> in
            let promise = eventLoop.makePromise(of: Void.self)
            try channel.pipeline.syncOperations.addHandler(
                FirecrackerHandshake(port: port, promise: promise),
                position: .first)
            return promise
        }.get()
        let deadline = eventLoop.scheduleTask(in: TimeAmount(timeout)) {
            answered.fail(FirecrackerHandshakeError(reason: "no answer to CONNECT"))
        }
        defer { deadline.cancel() }
        try await answered.futureResult.get()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        var line = context.channel.allocator.buffer(capacity: 24)
        line.writeString("CONNECT \(port)\n")
        context.writeAndFlush(wrapOutboundOut(line), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        guard !done else { return context.fireChannelRead(data) }
        received += buffer.readBytes(length: buffer.readableBytes) ?? []
        guard let newline = received.firstIndex(of: 0x0A) else {
            if received.count > Self.maxLine { fail(context, "an answer that is not OK") }
            return
        }
        let line = String(decoding: received[..<newline], as: UTF8.self)
        guard line.hasPrefix("OK ") else {
            return fail(context, line.isEmpty ? "an empty answer" : "'\(line.prefix(Self.maxLine))'")
        }
        done = true
        let rest = Array(received[(newline + 1)...])
        received = []
        promise.succeed()
        if !rest.isEmpty {
            var forward = context.channel.allocator.buffer(capacity: rest.count)
            forward.writeBytes(rest)
            context.fireChannelRead(wrapInboundOut(forward))
        }
        context.pipeline.syncOperations.removeHandler(self, promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !done { promise.fail(FirecrackerHandshakeError(reason: "the connection closed (no guest listens on port \(port)?)")) }
        context.fireChannelInactive()
    }

    private func fail(_ context: ChannelHandlerContext, _ what: String) {
        done = true
        promise.fail(FirecrackerHandshakeError(reason: "Firecracker answered \(what) to CONNECT \(port)"))
        context.close(promise: nil)
    }
}

struct FirecrackerHandshakeError: Error {
    let reason: String
}
