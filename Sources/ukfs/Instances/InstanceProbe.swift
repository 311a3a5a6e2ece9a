import Foundation
import Logging
import NIOPosix
import UKBridgeClient

/// What `ukfs list` says of one registered instance: whether its guest answers, who holds its
/// line and how many share it.
struct InstanceProbe {
    enum State: Equatable {
        case answering
        case notAnswering
        /// Its line is held by a process that does not share it (a one-shot command, or not ukfs).
        case busy
        case refused(String)

        var text: String {
            switch self {
            case .answering: "answering"
            case .notAnswering: "not answering"
            case .busy: "busy"
            case .refused(let why): "refused: \(why)"
            }
        }
    }

    let name: String
    let address: String
    let state: State
    /// `pid command` of the process holding the line, nil when none does.
    let holderPID: Int?
    let holderCommand: String?
    /// Local clients of the holder's share.
    let clients: Int
    /// Where it is mounted, with the way each mount serves reads (its `.ukfs/io`).
    var mounts: [(mountpoint: String, io: String)] = []

    /// Asks through the share when there is one (its HELLO costs the guest a PING, so `answering`
    /// is the guest's word, not the holder's), else directly, as every command does.
    static func probe(
        _ name: String, registry: InstanceRegistry, group: MultiThreadedEventLoopGroup,
        timeout: Duration, logger: Logger
    ) async -> InstanceProbe {
        let path = registry.socketPath(for: name)
        switch registry.resolve(name) {
        case .address(let address, _):
            let location = registry.share(for: name)
            // Asked before connecting, so this probe is not counted among the clients.
            let status = ShareStatus.query(location)
            var state = State.notAnswering
            var holder = status.map { ($0.pid, $0.command) }
            do {
                let line = try await LineConnector.connect(
                    LineTarget(address: address, share: location), role: .user,
                    group: group, timeout: timeout, logger: logger)
                line.connection.close()
                state = .answering
            } catch .lineHeld(_, let text) {
                state = .busy
                holder = holder ?? Self.split(text)
            } catch {}
            let mounts = UkfsMounts.roots(name: name, address: address.description).map {
                (mountpoint: $0, io: UkfsMounts.meta("io", at: $0) ?? "unknown")
            }
            return InstanceProbe(
                name: name, address: "unix:" + path, state: state, holderPID: holder?.0,
                holderCommand: holder?.1, clients: status?.clients ?? 0, mounts: mounts)
        case .foreign(_, _, let uid):
            return InstanceProbe(
                name: name, address: "unix:" + path, state: .refused("owned by uid \(uid)"),
                holderPID: nil, holderCommand: nil, clients: 0)
        case .unknown, .invalid:
            return InstanceProbe(
                name: name, address: "unix:" + path, state: .refused("not a socket"),
                holderPID: nil, holderCommand: nil, clients: 0)
        }
    }

    /// `pid 123 ukfs get vm1` → (123, "ukfs get vm1").
    private static func split(_ text: String) -> (Int, String)? {
        let words = text.split(separator: " ", maxSplits: 2).map(String.init)
        guard words.count >= 2, words[0] == "pid", let pid = Int(words[1]) else { return nil }
        return (pid, words.count > 2 ? words[2] : "")
    }

    var holderText: String {
        guard let holderPID else { return "-" }
        return "\(holderPID) \(holderCommand ?? "")".trimmingCharacters(in: .whitespaces)
    }

    var json: String {
        let holder = holderPID.map { JSONText.object([("pid", String($0)), ("command", JSONText.string(holderCommand ?? ""))]) } ?? "null"
        return JSONText.object([
            ("name", JSONText.string(name)), ("state", JSONText.string(state.text)),
            ("address", JSONText.string(address)), ("holder", holder), ("clients", String(clients)),
            (
                "mounts",
                "["
                    + mounts.map { JSONText.object([("mountpoint", JSONText.string($0.mountpoint)), ("io", JSONText.string($0.io))]) }
                    .joined(separator: ",") + "]"
            ),
        ])
    }
}
