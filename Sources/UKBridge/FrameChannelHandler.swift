import NIOCore

/// Turns a byte stream into frame payloads (one `ByteBuffer` each) on a NIO channel, with the
/// receiver's resync rules and the inter-byte timeout of docs/protocol.md §2.3. Used by both the
/// host client and the simulated guest.
public final class FrameChannelHandler: ChannelInboundHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer

    private var receiver: FrameReceiver
    private let interByteTimeout: TimeAmount
    private var staleTimer: Scheduled<Void>?
    /// Called once for every frame that failed its checks, so the owner can log a reason.
    private let onRejected: (@Sendable (Int) -> Void)?

    public init(maxPayload: Int,
                interByteTimeout: TimeAmount = .milliseconds(Int64(ProtocolLimits.interByteTimeoutMilliseconds)),
                onRejected: (@Sendable (Int) -> Void)? = nil) {
        self.receiver = FrameReceiver(maxPayload: maxPayload)
        self.interByteTimeout = interByteTimeout
        self.onRejected = onRejected
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        receiver.append(unwrapInboundIn(data))
        drain(context: context)
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        staleTimer?.cancel()
    }

    private func drain(context: ChannelHandlerContext) {
        let rejectedBefore = receiver.rejectedFrames
        while let payload = receiver.nextPayload() {
            context.fireChannelRead(wrapInboundOut(payload))
        }
        if receiver.rejectedFrames > rejectedBefore {
            onRejected?(receiver.rejectedFrames - rejectedBefore)
        }
        staleTimer?.cancel()
        staleTimer = nil
        if receiver.hasPartialFrame {
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            staleTimer = context.eventLoop.scheduleTask(in: interByteTimeout) {
                let (handler, context) = loopBound.value
                handler.staleTimer = nil
                handler.receiver.dropStalePartialFrame()
                handler.drain(context: context)
            }
        }
    }
}
