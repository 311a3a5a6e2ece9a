/// Where an instance's bridge listens:
/// - `unix:PATH` or a plain socket path: a QEMU chardev socket, the simulator, the agent's host build;
/// - `tcp:HOST:PORT`: a guest with networking (HOST may be `[v6]`);
/// - `vsock:CID:PORT`: AF_VSOCK (QEMU's vhost-vsock);
/// - `fc-vsock:PATH:PORT`: Firecracker's hybrid vsock, a Unix socket on which `CONNECT PORT` selects
///   the guest's port.
public enum BridgeAddress: Sendable, Hashable, CustomStringConvertible {
    case unix(path: String)
    case tcp(host: String, port: Int)
    case vsock(cid: UInt32, port: UInt32)
    case firecracker(path: String, port: UInt32)

    public static let forms = "unix:PATH, tcp:HOST:PORT, vsock:CID:PORT or fc-vsock:PATH:PORT"

    /// Parses what a user typed; nil when it is no address form (then it may be an instance name).
    public init?(parsing text: String) {
        guard case .success(let address?) = Self.parse(text) else { return nil }
        self = address
    }

    /// An address, nil for text that is not meant as one (a name), or why an address form is wrong.
    public static func parse(_ text: String) -> Result<BridgeAddress?, AddressError> {
        func fail(_ why: String) -> Result<BridgeAddress?, AddressError> { .failure(AddressError(text: text, why: why)) }
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst("unix:".count))
            return path.isEmpty ? fail("unix:PATH needs a socket path") : .success(.unix(path: path))
        }
        if text.hasPrefix("tcp:") {
            let rest = text.dropFirst("tcp:".count)
            guard let colon = rest.lastIndex(of: ":") else { return fail("write tcp:HOST:PORT, e.g. tcp:127.0.0.1:7000") }
            var host = String(rest[..<colon])
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard !host.isEmpty else { return fail("tcp:HOST:PORT needs a host, e.g. tcp:127.0.0.1:7000") }
            // Port 0 is accepted: a listener (ukfs sim, ukfs export) then takes any free port.
            guard let port = Int(rest[rest.index(after: colon)...]), (0...65535).contains(port) else {
                return fail("the port must be a number from 0 to 65535")
            }
            return .success(.tcp(host: host, port: port))
        }
        if text.hasPrefix("vsock:") {
            let parts = text.dropFirst("vsock:".count).split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, let cid = UInt32(parts[0]), let port = UInt32(parts[1]) else {
                return fail("write vsock:CID:PORT with numbers, e.g. vsock:3:7000 (the guest's context id and port)")
            }
            return .success(.vsock(cid: cid, port: port))
        }
        if text.hasPrefix("fc-vsock:") {
            let rest = text.dropFirst("fc-vsock:".count)
            guard let colon = rest.lastIndex(of: ":"), !rest[..<colon].isEmpty else {
                return fail(
                    "write fc-vsock:PATH:PORT, e.g. fc-vsock:/run/fc/v.sock:7000 (Firecracker's vsock uds_path and the guest's port)")
            }
            guard let port = UInt32(rest[rest.index(after: colon)...]) else {
                return fail("the guest port must be a number, e.g. fc-vsock:/run/fc/v.sock:7000")
            }
            return .success(.firecracker(path: String(rest[..<colon]), port: port))
        }
        if text.contains("/") { return .success(.unix(path: text)) }
        return .success(nil)
    }

    public var description: String {
        switch self {
        case .unix(let path): path
        case .tcp(let host, let port): "tcp:" + (host.contains(":") ? "[\(host)]" : host) + ":\(port)"
        case .vsock(let cid, let port): "vsock:\(cid):\(port)"
        case .firecracker(let path, let port): "fc-vsock:\(path):\(port)"
        }
    }
}

public struct AddressError: Error, Sendable, CustomStringConvertible {
    public let text: String
    public let why: String
    public var description: String { "'\(text)' is not a valid address: \(why)" }
}

extension BridgeAddress {
    var isVsock: Bool {
        if case .vsock = self { return true }
        return false
    }
}
