import NIOCore

/// On a listening channel: stops accepting while a connection is open and accepts the next one
/// when it closes, so later clients wait in the backlog (connected, never answered) exactly as at
/// a QEMU chardev socket. `ukfs sim --one-client` uses it so tests see a real guest's single line.
final class OneClientAtATime: ChannelInboundHandler {
    typealias InboundIn = Channel
    typealias InboundOut = Channel

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let child = unwrapInboundIn(data)
        let server = context.channel
        // Synchronous options, never a promise: the child may close on another event loop while the
        // group shuts down, and a promise made for a loop that is gone is a leak NIO traps on.
        try? server.syncOptions?.setOption(.autoRead, value: false)
        child.closeFuture.whenComplete { _ in
            guard server.isActive else { return }
            server.eventLoop.execute { try? server.syncOptions?.setOption(.autoRead, value: true) }
        }
        context.fireChannelRead(data)
    }
}
