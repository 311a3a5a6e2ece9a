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
        server.setOption(.autoRead, value: false).whenComplete { _ in }
        child.closeFuture.whenComplete { _ in
            server.setOption(.autoRead, value: true).whenComplete { _ in }
        }
        context.fireChannelRead(data)
    }
}
