import NIOCore
import Synchronization

/// Counts the bytes and writes that cross one bridge connection, so costs can be measured and
/// exported (`ukfs export` reports what each scrape exchanged). First in the pipeline: it sees
/// the bridge's frames as they go to and come from the transport.
public final class TrafficCounter: ChannelDuplexHandler, Sendable {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    public struct Totals: Sendable, Equatable {
        public var bytesSent = 0
        public var bytesReceived = 0
        /// One per request sent (each request is one write of one frame).
        public var writes = 0

        public init(bytesSent: Int = 0, bytesReceived: Int = 0, writes: Int = 0) {
            self.bytesSent = bytesSent
            self.bytesReceived = bytesReceived
            self.writes = writes
        }

        public static func - (lhs: Totals, rhs: Totals) -> Totals {
            Totals(
                bytesSent: lhs.bytesSent - rhs.bytesSent, bytesReceived: lhs.bytesReceived - rhs.bytesReceived,
                writes: lhs.writes - rhs.writes)
        }
    }

    private let totals = Mutex(Totals())

    public init() {}

    public var current: Totals { totals.withLock { $0 } }

    /// A frame written outside the pipeline (DirectWriter).
    func countSent(_ count: Int) {
        totals.withLock {
            $0.bytesSent += count
            $0.writes += 1
        }
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let count = unwrapInboundIn(data).readableBytes
        totals.withLock { $0.bytesReceived += count }
        context.fireChannelRead(data)
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let count = unwrapOutboundIn(data).readableBytes
        totals.withLock {
            $0.bytesSent += count
            $0.writes += 1
        }
        context.write(data, promise: promise)
    }
}
