import NIOCore
import NIOHTTP1
import NIOHTTPCompression

/// Writing one answer, from any thread: head, body and end, then the `ConnectionGuard`'s
/// `answered` (or the close the client asked for).
enum HTTPReply {
    /// What an answer needs to know of its request.
    struct Request: Sendable {
        let version: HTTPVersion
        let keepAlive: Bool
        let headOnly: Bool

        init(_ head: HTTPRequestHead) {
            version = head.version
            keepAlive = head.isKeepAlive
            headOnly = head.method == .HEAD
        }
    }

    /// Marks an answer to HEAD, which is not compressed: its Content-Length is the body's a GET
    /// without gzip gets (a gzipped length would need the body compressed for nothing).
    static let identityMarker = "x-ukfs-identity"

    /// `HTTPResponseCompressor`'s predicate: compress unless marked, and drop the mark.
    static func compression(_ head: inout HTTPResponseHead, _ supported: Bool) -> HTTPResponseCompressor.CompressionIntent {
        guard head.headers.contains(name: identityMarker) else { return .compressIfPossible }
        head.headers.remove(name: identityMarker)
        return .doNotCompress
    }

    static func send(
        _ status: HTTPResponseStatus, _ body: String, type: String, to request: Request, on channel: Channel,
        extraHeaders: [(String, String)] = []
    ) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: type)
        headers.add(name: "Content-Length", value: String(body.utf8.count))
        for (name, value) in extraHeaders { headers.add(name: name, value: value) }
        if !request.keepAlive { headers.add(name: "Connection", value: "close") }
        if request.headOnly { headers.add(name: identityMarker, value: "1") }
        channel.write(
            HTTPServerResponsePart.head(HTTPResponseHead(version: request.version, status: status, headers: headers)),
            promise: nil)
        // HEAD: the same head, no body (NIO's encoder refuses one).
        if !request.headOnly {
            var buffer = channel.allocator.buffer(capacity: body.utf8.count)
            buffer.writeString(body)
            channel.write(HTTPServerResponsePart.body(.byteBuffer(buffer)), promise: nil)
        }
        let done = channel.writeAndFlush(HTTPServerResponsePart.end(nil))
        let keepAlive = request.keepAlive
        done.whenComplete { result in
            if keepAlive, case .success = result {
                channel.triggerUserOutboundEvent(ConnectionGuard.Event.answered, promise: nil)
            } else {
                channel.close(promise: nil)
            }
        }
    }
}
