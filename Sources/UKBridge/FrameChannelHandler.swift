import NIOCore

/// Turns a byte stream into frame payloads (one `ByteBuffer` each) on a NIO channel, with the
/// receiver's resync rules and the inter-byte timeout of docs/protocol.md §2.3. Used by both the
/// host client and the simulated guest. With a `DamageMeter`, a peer that keeps sending damage is
/// disconnected (the host's side: a hostile guest must not cost it a core).
public final class FrameChannelHandler: ChannelInboundHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer

    private var receiver: FrameReceiver
    private let interByteTimeout: TimeAmount
    private var staleTimer: Scheduled<Void>?
    /// Called once for every frame that failed its checks, so the owner can log a reason.
    private let onRejected: (@Sendable (Int) -> Void)?
    private var damage: DamageMeter?
    /// Called once when the damage went over the meter's limit, just before the channel closes.
    private let onDamaged: (@Sendable () -> Void)?
    private var dropped = false

    public init(
        maxPayload: Int,
        interByteTimeout: TimeAmount = .milliseconds(Int64(ProtocolLimits.interByteTimeoutMilliseconds)),
        damage: DamageMeter? = nil,
        onRejected: (@Sendable (Int) -> Void)? = nil,
        onDamaged: (@Sendable () -> Void)? = nil
    ) {
        self.receiver = FrameReceiver(maxPayload: maxPayload)
        self.interByteTimeout = interByteTimeout
        self.damage = damage
        self.onRejected = onRejected
        self.onDamaged = onDamaged
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !dropped else { return }
        receiver.append(unwrapInboundIn(data))
        drain(context: context)
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        staleTimer?.cancel()
    }

    private func drain(context: ChannelHandlerContext) {
        let rejectedBefore = receiver.rejectedFrames
        let discardedBefore = receiver.discardedBytes
        while let payload = receiver.nextPayload() {
            context.fireChannelRead(wrapInboundOut(payload))
            guard !dropped, context.channel.isActive else { return }
        }
        let rejected = receiver.rejectedFrames - rejectedBefore
        if rejected > 0 { onRejected?(rejected) }
        if var meter = damage {
            let over = meter.add(discardedBytes: receiver.discardedBytes - discardedBefore, rejectedFrames: rejected)
            damage = meter
            if over {
                dropped = true
                staleTimer?.cancel()
                staleTimer = nil
                onDamaged?()
                context.close(promise: nil)
                return
            }
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
