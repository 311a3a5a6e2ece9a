import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A minimal HTTP/1.1 server for Prometheus: `GET /metrics` runs `scrape` and answers its text;
/// `/` says where the metrics are; anything else is 404. Keep-alive as the client asks — within
/// bounds, since anyone who can reach the port can open connections: at most `maxConnections`
/// at a time (more are closed at once), each closed after `idleTimeout` without traffic, and
/// closed after a malformed request (whose 400 says `Connection: close`).
enum MetricsHTTPServer {
    typealias Scrape = @Sendable () async -> String

    static let maxConnections = 64
    static let idleTimeout = TimeAmount.seconds(30)

    static func start(host: String, port: Int, group: EventLoopGroup, scrape: @escaping Scrape) async throws -> Channel {
        let open = Atomic<Int>(0)
        return try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                guard open.add(1, ordering: .relaxed).newValue <= maxConnections else {
                    open.subtract(1, ordering: .relaxed)
                    return channel.close()
                }
                channel.closeFuture.whenComplete { _ in open.subtract(1, ordering: .relaxed) }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(allTimeout: idleTimeout))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(MetricsHandler(scrape: scrape))
                }
            }
            .bind(host: host, port: port).get()
    }
}

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

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body: break
        case .end:
            guard let head else { return }
            self.head = nil
            respond(to: head, channel: context.channel)
        }
    }

    private func respond(to head: HTTPRequestHead, channel: Channel) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        let keepAlive = head.isKeepAlive
        let version = head.version
        guard head.method == .GET || head.method == .HEAD else {
            return HTTPReply.send(.methodNotAllowed, "only GET\n", type: "text/plain", version: version, keepAlive: keepAlive, on: channel)
        }
        switch path {
        case "/metrics":
            let scrape = self.scrape
            let headOnly = head.method == .HEAD
            Task {
                let text = await scrape()
                HTTPReply.send(
                    .ok, headOnly ? "" : text, type: MetricsText.contentType, version: version, keepAlive: keepAlive, on: channel)
            }
        case "/":
            HTTPReply.send(
                .ok, "ukfs export: metrics at /metrics\n", type: "text/plain", version: version, keepAlive: keepAlive, on: channel)
        default:
            HTTPReply.send(.notFound, "not found: try /metrics\n", type: "text/plain", version: version, keepAlive: keepAlive, on: channel)
        }
    }

}

enum HTTPReply {
    static func send(
        _ status: HTTPResponseStatus, _ body: String, type: String, version: HTTPVersion,
        keepAlive: Bool, on channel: Channel
    ) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: type)
        headers.add(name: "Content-Length", value: String(body.utf8.count))
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        var buffer = channel.allocator.buffer(capacity: body.utf8.count)
        buffer.writeString(body)
        channel.write(
            HTTPServerResponsePart.head(HTTPResponseHead(version: version, status: status, headers: headers)),
            promise: nil)
        channel.write(HTTPServerResponsePart.body(.byteBuffer(buffer)), promise: nil)
        let done = channel.writeAndFlush(HTTPServerResponsePart.end(nil))
        if !keepAlive { done.whenComplete { _ in channel.close(promise: nil) } }
    }
}
