import NIOCore

/// The first handler of every exporter connection: it keeps the connection's place in the
/// `ConnectionTable` and bounds its time in each phase. A request must arrive whole within
/// `requestDeadline` of its first byte (or of the connection's start) however slowly its bytes
/// come — a peer sending a header line a second is closed all the same; an answer must be sent
/// within `answerDeadline`; a connection idle between requests is closed after `idleTimeout`.
final class ConnectionGuard: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = Any
    typealias OutboundOut = Any

    /// What the HTTP handler tells the guard, as a user outbound event.
    enum Event: Sendable {
        /// A request was read whole; its answer is on its way.
        case requestRead
        /// The answer was written; the connection waits for another request.
        case answered
    }

    struct Deadlines: Sendable {
        var request: TimeAmount
        var answer: TimeAmount
        var idle: TimeAmount
    }

    private let table: ConnectionTable
    private let deadlines: Deadlines
    private var phase = ConnectionTable.Phase.reading
    private var timer: Scheduled<Void>?

    init(table: ConnectionTable, deadlines: Deadlines) {
        self.table = table
        self.deadlines = deadlines
    }

    func handlerAdded(context: ChannelHandlerContext) {
        arm(deadlines.request, context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        table.remove(context.channel)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // The first byte of the next request starts its deadline; later bytes do not extend it.
        if phase == .idle { enter(.reading, deadline: deadlines.request, context: context) }
        context.fireChannelRead(data)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        switch event as? Event {
        case .requestRead:
            enter(.answering, deadline: deadlines.answer, context: context)
            promise?.succeed()
        case .answered:
            enter(.idle, deadline: deadlines.idle, context: context)
            promise?.succeed()
        case nil:
            context.triggerUserOutboundEvent(event, promise: promise)
        }
    }

    private func enter(_ phase: ConnectionTable.Phase, deadline: TimeAmount, context: ChannelHandlerContext) {
        self.phase = phase
        table.enter(phase, context.channel)
        arm(deadline, context: context)
    }

    private func arm(_ deadline: TimeAmount, context: ChannelHandlerContext) {
        timer?.cancel()
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: deadline) { channel.close(promise: nil) }
    }
}
