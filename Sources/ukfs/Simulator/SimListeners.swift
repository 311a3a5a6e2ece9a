import Foundation
import Logging
import NIOCore
import NIOPosix
import UKBridgeClient
import UKSimulator

/// `ukfs sim --listen ADDRESS`: the same simulated store served on more transports.
enum SimListeners {
    static func parse(_ text: String) throws -> SimulatorListenAddress {
        switch BridgeAddress.parse(text) {
        case .failure(let error): throw CLIError(error.description)
        case .success(nil): throw CLIError("--listen \(text): give an address (\(BridgeAddress.forms))")
        case .success(.unix(let path)?): return .unix(path: path)
        case .success(.tcp(let host, let port)?): return .tcp(host: host, port: port)
        case .success(.vsock(let cid, let port)?): return .vsock(cid: cid, port: port)
        case .success(.firecracker(let path, let port)?): return .firecracker(path: path, port: port)
        }
    }

    /// Starts one listener per address; returns them with the address a client should use.
    static func start(
        _ texts: [String], store: SimulatedStore, group: MultiThreadedEventLoopGroup,
        logger: Logger
    ) async throws -> [(server: SimulatorServer, address: String)] {
        var started: [(server: SimulatorServer, address: String)] = []
        do {
            for text in texts {
                let address = try parse(text)
                let server: SimulatorServer
                do {
                    server = try await SimulatorServer.start(store: store, listening: address, group: group, logger: logger)
                } catch {
                    throw CLIError("cannot listen on \(text): \(Self.reason(error, address))")
                }
                // A socket file outlives the process; ours only once bound (a path in use is not ours).
                if case .unix(let path) = address { Termination.releasing { unlink(path) } }
                if case .firecracker(let path, _) = address { Termination.releasing { unlink(path) } }
                var shown = text
                if case .tcp(let host, _) = address, let port = server.boundPort {
                    shown = BridgeAddress.tcp(host: host, port: port).description
                }
                started.append((server, shown))
            }
        } catch {
            for listener in started { await listener.server.close() }
            throw error
        }
        return started
    }

    private static func reason(_ error: Error, _ address: SimulatorListenAddress) -> String {
        let text = (error as? IOError).map { String(cString: strerror($0.errnoCode)).lowercased() } ?? "\(error)"
        if case .vsock = address {
            return text + " — AF_VSOCK needs a vsock transport on this host (modprobe vhost_vsock, or run inside a VM with virtio-vsock)"
        }
        return text
    }
}
