import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization
import UKBridge

/// Routes each answer to the request that waits for it and each event to the owner.
final class AnswerRouter: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let pending: PendingRequests
    private let logger: Logger
    private let onEvent: @Sendable (ObjectEvent) -> Void
    private let onClose: @Sendable () -> Void
    private var strayAnswers = 0
    private let refusals = LogThrottle()

    init(
        pending: PendingRequests, logger: Logger, onEvent: @escaping @Sendable (ObjectEvent) -> Void,
        onClose: @escaping @Sendable () -> Void
    ) {
        self.pending = pending
        self.logger = logger
        self.onEvent = onEvent
        self.onClose = onClose
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch MessageCodec.decode(unwrapInboundIn(data)) {
        case .answer(let rid, let answer):
            if !pending.complete(rid: rid, with: .success(answer)) { noteStray(rid) }
        case .event(let event):
            onEvent(event)
        case .malformed(let type, let rid, let reason):
            if let total = refusals.note() {
                logger.warning(
                    "refused a malformed message from the guest",
                    metadata: [
                        "type": "\(type)", "rid": "\(rid)", "reason": "\(reason)", "total": "\(total)",
                    ])
            }
            pending.complete(rid: rid, with: .failure(.unexpectedAnswer))
        case .unknown(let type, _):
            if let total = refusals.note() {
                logger.warning("refused a message of unknown type from the guest", metadata: ["type": "\(type)", "total": "\(total)"])
            }
        case .request:
            if let total = refusals.note() {
                logger.warning("refused a request sent by the guest", metadata: ["total": "\(total)"])
            }
        }
    }

    /// Answers to requests we no longer wait for are normal after a timeout or a reconnect; say so
    /// once, then only count.
    private func noteStray(_ rid: UInt16) {
        strayAnswers += 1
        if strayAnswers == 1 {
            logger.info("ignored an answer to a request not outstanding (late or from an earlier host)", metadata: ["rid": "\(rid)"])
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        pending.failAll(.disconnected)
        onClose()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        logger.debug("connection error: \(error)")
        context.close(promise: nil)
    }
}
