import Synchronization
import UKBridgeClient

/// How many guest connections a `mount --all` may hold at once, derived from its descriptor limit:
/// each costs up to `descriptorsPerConnection` (the connection, the line's lock, the share's
/// listening socket). Instance folders themselves cost no descriptor (they connect on first use),
/// so this bounds instances in use, not instances followed. A connection refused for want of
/// descriptors fails its request with EIO and is reported in the root's `.ukfs/refused`.
final class ConnectionBudget: Sendable {
    static let descriptorsPerConnection = 3
    /// What the process needs besides guest connections: /dev/fuse, the event loops' epoll and
    /// wake-up descriptors, inotify, the notifier, the log, standard streams — and share clients,
    /// which connect to a held line's share (at most LineShare.maxClients each), and transient ones.
    static let reserve = 128

    let limit: Int
    let descriptors: Int
    private struct State {
        var inUse = 0
        /// Instances whose last connection attempt was refused for want of descriptors.
        var refused: Set<String> = []
    }
    private let state = Mutex(State())

    init(descriptors: Int) {
        self.descriptors = descriptors
        limit = max((descriptors - Self.reserve) / Self.descriptorsPerConnection, 1)
    }

    /// Takes one connection's share, or nil (and notes `name` as refused) when all are in use.
    func take(for name: String) -> BridgeError? {
        state.withLock { state in
            guard state.inUse < limit else {
                state.refused.insert(name)
                return .connectionBudget(limit: limit, descriptors: descriptors)
            }
            state.inUse += 1
            state.refused.remove(name)
            return nil
        }
    }

    func giveBack() {
        state.withLock { $0.inUse = max($0.inUse - 1, 0) }
    }

    var inUse: Int { state.withLock { $0.inUse } }

    func refusedNames() -> Set<String> { state.withLock { $0.refused } }

    /// An instance that left the mount is no longer reported.
    func forget(_ name: String) {
        _ = state.withLock { $0.refused.remove(name) }
    }
}
