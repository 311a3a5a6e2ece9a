import Foundation
import NIOCore
import Synchronization

/// SO_PEERCRED of a local socket: who is at the other end.
struct PeerCredentials: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = UInt32.max
    var gid: UInt32 = UInt32.max

    static func of(_ channel: Channel) -> PeerCredentials? {
        guard let provider = channel as? SocketOptionProvider else { return nil }
        let future: EventLoopFuture<PeerCredentials> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
        // On the channel's own loop the option is read at once, so the box is filled on return.
        let box = Box()
        future.whenSuccess { credentials in box.value.withLock { $0 = credentials } }
        return box.value.withLock { $0 }
    }

    private final class Box: Sendable {
        let value = Mutex<PeerCredentials?>(nil)
    }
}
