import NIOCore
import NIOPosix

/// Opens the byte stream to a guest for each address form. The bridge protocol runs unchanged on
/// all of them; only Firecracker's hybrid vsock needs a text handshake first.
enum Transports {
    static func open(_ address: BridgeAddress, bootstrap: ClientBootstrap, timeout: Duration) async throws -> Channel {
        switch address {
        case .unix(let path):
            return try await bootstrap.connect(unixDomainSocketPath: path).get()
        case .tcp(let host, let port):
            return try await bootstrap.connect(host: host, port: port).get()
        case .vsock(let cid, let port):
            return try await bootstrap.connect(to: VsockAddress(cid: .init(rawValue: cid), port: .init(rawValue: port))).get()
        case .firecracker(let path, let port):
            let channel = try await bootstrap.connect(unixDomainSocketPath: path).get()
            let handshake = FirecrackerHandshake(port: port, promise: channel.eventLoop.makePromise())
            do {
                try await channel.pipeline.addHandler(handshake, position: .first).get()
                try await handshake.completed(within: timeout, on: channel.eventLoop)
            } catch {
                channel.close(promise: nil)
                throw error
            }
            return channel
        }
    }
}
