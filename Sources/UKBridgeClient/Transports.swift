import NIOCore
import NIOPosix

/// Opens the byte stream to a guest for each address form. The bridge protocol runs unchanged on
/// all of them; only Firecracker's hybrid vsock needs a text handshake first. Unix sockets (QEMU
/// chardevs, Firecracker) also get a DirectWriter: the fast path of a local guest.
enum Transports {
    static func open(
        _ address: BridgeAddress, bootstrap: ClientBootstrap,
        timeout: Duration
    ) async throws -> (Channel, DirectWriter?) {
        switch address {
        case .unix(let path):
            return try await unixChannel(path, bootstrap: bootstrap)
        case .tcp(let host, let port):
            return (try await bootstrap.connect(host: host, port: port).get(), nil)
        case .vsock(let cid, let port):
            return (try await bootstrap.connect(to: VsockAddress(cid: .init(rawValue: cid), port: .init(rawValue: port))).get(), nil)
        case .firecracker(let path, let port):
            let (channel, writer) = try await unixChannel(path, bootstrap: bootstrap)
            do {
                try await FirecrackerHandshake.run(on: channel, port: port, within: timeout)
            } catch {
                channel.close(promise: nil)
                throw error
            }
            return (channel, writer)
        }
    }

    /// NIO reads the socket (answers, events); the writer, on its duplicate descriptor, writes.
    private static func unixChannel(_ path: String, bootstrap: ClientBootstrap) async throws -> (Channel, DirectWriter) {
        let fd = try UnixSocket.connect(to: path)
        let writer: DirectWriter
        do {
            writer = try DirectWriter(duplicating: fd)
        } catch {
            close(fd)
            throw error
        }
        do {
            let channel = try await bootstrap.withConnectedSocket(fd).get()
            channel.closeFuture.whenComplete { _ in writer.close() }
            return (channel, writer)
        } catch {
            writer.close()
            throw error
        }
    }
}
