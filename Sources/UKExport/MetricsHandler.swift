import NIOCore
import NIOHTTP1
import NIOPosix

/// Answers each request read whole; tells the `ConnectionGuard` when a request was read and when
/// its answer was written, which is what its deadlines follow. With basic auth, every path needs
/// it (as node_exporter's); bcrypt's check runs off the event loop.
final class MetricsHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let scrape: MetricsHTTPServer.Scrape
    private let auth: BasicAuth?
    private var head: HTTPRequestHead?

    init(scrape: @escaping MetricsHTTPServer.Scrape, auth: BasicAuth?) {
        self.scrape = scrape
        self.auth = auth
    }

    /// A malformed request: NIO's error handler has answered 400 with `Connection: close`; close.
    /// A failed TLS handshake (a plain-HTTP client, a client certificate refused) closes too.
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
            answer(head, channel: context.channel)
        }
    }

    private func answer(_ head: HTTPRequestHead, channel: Channel) {
        let scrape = self.scrape
        if let auth = self.auth, !auth.remembers(head.headers.first(name: "authorization")) {
            // bcrypt takes tens of milliseconds: on a thread of its own, so that a flood of wrong
            // passwords delays only other new passwords, never the event loops or a scrape.
            let check = Authorization(head: head, auth: auth, channel: channel, scrape: scrape)
            _ = Self.bcryptThread.runIfActive(eventLoop: channel.eventLoop) { check.run() }
        } else {
            Self.respond(to: head, channel: channel, scrape: scrape)
        }
    }

    /// The one thread bcrypt checks run on, for the process's life.
    static let bcryptThread: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        return pool
    }()

    /// A request waiting for bcrypt's verdict, off the event loop.
    private struct Authorization: Sendable {
        let head: HTTPRequestHead
        let auth: BasicAuth
        let channel: Channel
        let scrape: MetricsHTTPServer.Scrape

        func run() {
            if auth.allows(head.headers.first(name: "authorization")) {
                MetricsHandler.respond(to: head, channel: channel, scrape: scrape)
            } else {
                HTTPReply.send(
                    .unauthorized, "401 Unauthorized\n", type: "text/plain", to: HTTPReply.Request(head), on: channel,
                    extraHeaders: [("WWW-Authenticate", "Basic realm=\"ukfs\", charset=\"UTF-8\"")])
            }
        }
    }

    fileprivate static func respond(to head: HTTPRequestHead, channel: Channel, scrape: @escaping MetricsHTTPServer.Scrape) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        let request = HTTPReply.Request(head)
        guard head.method == .GET || head.method == .HEAD else {
            return HTTPReply.send(.methodNotAllowed, "only GET\n", type: "text/plain", to: request, on: channel)
        }
        switch path {
        case "/metrics":
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
