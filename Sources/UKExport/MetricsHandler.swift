import NIOCore
import NIOHTTP1

/// Answers each request read whole; tells the `ConnectionGuard` when a request was read and when
/// its answer was written, which is what its deadlines follow.
final class MetricsHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let scrape: MetricsHTTPServer.Scrape
    private var head: HTTPRequestHead?

    init(scrape: @escaping MetricsHTTPServer.Scrape) { self.scrape = scrape }

    /// A malformed request: NIO's error handler has answered 400 with `Connection: close`; close.
    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body: break
        case .end:
            guard let head else { return }
            self.head = nil
            context.triggerUserOutboundEvent(ConnectionGuard.Event.requestRead, promise: nil)
            respond(to: head, channel: context.channel)
        }
    }

    private func respond(to head: HTTPRequestHead, channel: Channel) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        let request = HTTPReply.Request(head)
        guard head.method == .GET || head.method == .HEAD else {
            return HTTPReply.send(.methodNotAllowed, "only GET\n", type: "text/plain", to: request, on: channel)
        }
        switch path {
        case "/metrics":
            let scrape = self.scrape
            Task {
                let text = await scrape()
                HTTPReply.send(.ok, text, type: MetricsText.contentType, to: request, on: channel)
            }
        case "/":
            HTTPReply.send(.ok, "ukfs export: metrics at /metrics\n", type: "text/plain", to: request, on: channel)
        default:
            HTTPReply.send(.notFound, "not found: try /metrics\n", type: "text/plain", to: request, on: channel)
        }
    }
}
