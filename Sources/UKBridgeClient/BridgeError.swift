import Foundation
import UKBridge

/// Everything that can go wrong between ukfs and a guest, each with the errno a filesystem reader
/// gets and a sentence a user can act on.
public enum BridgeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// connect() failed: the errno says why (ENOENT no socket, ECONNREFUSED nobody listening …).
    case unreachable(BridgeAddress, errno: Int32)
    /// The transport itself refused (e.g. Firecracker's CONNECT was not answered OK).
    case transport(BridgeAddress, reason: String)
    /// Connected, but no valid HELLO answer in time.
    case noHandshake(BridgeAddress)
    /// The guest speaks no protocol version we speak, or sent an impossible HELLO.
    case incompatible(BridgeAddress, reason: String)
    /// A request got no answer in time.
    case timedOut
    /// The connection closed or is closing.
    case disconnected
    /// Too many requests outstanding at once.
    case overloaded
    /// The guest answered with an errno.
    case guest(errno: Int32)
    /// The guest answered with something that is not an answer to this request.
    case unexpectedAnswer
    /// Another process holds the guest's only line and does not share it.
    case lineHeld(BridgeAddress, holder: String)
    /// Another process holds the guest's line and shares it, but its share serves as many
    /// clients as it may (`clients`).
    case shareFull(BridgeAddress, clients: Int)
    /// A `mount --all` holds as many guest connections as its descriptor limit allows.
    case connectionBudget(limit: Int, descriptors: Int)

    /// What a FUSE reader should get for this failure.
    public var errno: Int32 {
        switch self {
        case .guest(let errno): errno
        case .timedOut, .disconnected, .overloaded, .unexpectedAnswer, .unreachable, .transport, .noHandshake, .incompatible,
            .lineHeld, .shareFull, .connectionBudget:
            EIO
        }
    }

    public var description: String {
        switch self {
        case .unreachable(let address, _), .transport(let address, _):
            return "cannot reach \(address): \(problem)"
        case .noHandshake(let address):
            return "\(address) \(problem)"
        case .incompatible(let address, _), .lineHeld(let address, _), .shareFull(let address, _):
            return "\(address) \(problem)"
        default:
            return problem
        }
    }

    /// What went wrong, without the address (for messages that name the instance already).
    public var problem: String {
        switch self {
        case .unreachable(let address, let errno):
            return switch errno {
            case ENOENT: "no such socket — is the instance running?"
            case ECONNREFUSED: "connection refused — is it running?"
            case _ where address.isVsock && [ENODEV, EAFNOSUPPORT, EADDRNOTAVAIL].contains(errno):
                "no vsock transport on this host (\(String(cString: strerror(errno)).lowercased())) — load vhost_vsock (modprobe vhost_vsock) and check the guest's CID"
            case EACCES: "permission denied — run ukfs as the instance's owner"
            default: String(cString: strerror(errno)).lowercased() + " — is it running?"
            }
        case .transport(_, let reason):
            return reason
        case .noHandshake:
            return
                "accepted the connection but never completed the ukfs handshake — is the agent running in the guest, and is no other ukfs (a mount, an export) holding its line?"
        case .incompatible(_, let reason):
            return "speaks an incompatible bridge protocol: \(reason) — upgrade ukfs or the guest agent"
        case .timedOut:
            return "the guest did not answer in time"
        case .disconnected:
            return "the connection to the guest was lost"
        case .overloaded:
            return "too many requests outstanding to the guest"
        case .guest(let errno):
            return "the guest answered: \(String(cString: strerror(errno)))"
        case .unexpectedAnswer:
            return "the guest answered with a message of the wrong kind"
        case .lineHeld(_, let holder):
            return "has one line, held by \(holder), which does not share it — wait for that command to end, or stop it"
        case .shareFull(_, let clients):
            return
                "has one line, and the process holding it shares it, but the share is full (\(clients) clients) — end some of the ukfs commands, mounts or exporters using it, or wait for an idle one to be closed"
        case .connectionBudget(let limit, let descriptors):
            return
                "not connected: the mount holds \(limit) guest connections, all that its descriptor limit of \(descriptors) allows — raise it (ulimit -n, LimitNOFILE=) and remount, or read fewer instances at once"
        }
    }
}

extension BridgeError {
    /// The problem without the advice after " — ": `connection refused`, `no such socket`, for a
    /// status line that is read again and again (`.ukfs/state`, systemd's STATUS=).
    public var shortProblem: String {
        problem.components(separatedBy: " — ").first ?? problem
    }
}
