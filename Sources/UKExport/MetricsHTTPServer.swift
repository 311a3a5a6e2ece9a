import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import NIOPosix
import NIOSSL

/// A minimal HTTP/1.1 server for Prometheus: `GET /metrics` runs `scrape` and answers its text
/// (gzipped when the client accepts gzip, as Prometheus does); `/` says where the metrics are;
/// anything else is 404. Keep-alive as the client asks, within `Limits`, since anyone who can
/// reach the port can open connections and trickle bytes: see `ConnectionTable` and
/// `ConnectionGuard`. A malformed request's connection is closed after its 400.
public enum MetricsHTTPServer {
    public typealias Scrape = @Sendable () async -> String

    /// What one peer, or all of them, may hold.
    public struct Limits: Sendable {
        /// Connections at once, in all; past it a new one takes a waiting or idle one's place.
        public var maxConnections = 64
        /// Connections at once from one address; past it its own oldest waiting one is closed.
        public var maxPerPeer = 32
        /// From a request's first byte (or the connection's start) to the request read whole.
        public var requestDeadline = TimeAmount.seconds(5)
        /// From a request read whole to its answer written.
        public var answerDeadline = TimeAmount.seconds(120)
        /// Between requests on a kept-alive connection.
        public var idleTimeout = TimeAmount.seconds(30)

        public init() {}
    }

    public static func start(
        host: String, port: Int, group: EventLoopGroup, limits: Limits = Limits(), security: WebSecurity? = nil,
        scrape: @escaping Scrape
    ) async throws -> Channel {
        let table = ConnectionTable(maxConnections: limits.maxConnections, maxPerPeer: limits.maxPerPeer)
        let deadlines = ConnectionGuard.Deadlines(
            request: limits.requestDeadline, answer: limits.answerDeadline, idle: limits.idleTimeout)
        return try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let peer = channel.remoteAddress?.ipAddress ?? "?"
                guard table.admit(channel, peer: peer) else { return channel.close() }
                // However the connection ends (even before its handlers are added), it leaves the table.
                channel.closeFuture.whenComplete { _ in table.remove(channel) }
                return channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(ConnectionGuard(table: table, deadlines: deadlines))
                    // The guard sees the encrypted bytes: the handshake is part of the request's 5 s.
                    if let tls = security?.tls { try pipeline.addHandler(NIOSSLServerHandler(context: tls.current())) }
                    try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
                    try pipeline.addHandler(
                        HTTPResponseCompressor(responseCompressionPredicate: HTTPReply.compression))
                    try pipeline.addHandler(MetricsHandler(scrape: scrape, auth: security?.auth))
                }
            }
            .bind(host: host, port: port).get()
    }
}
