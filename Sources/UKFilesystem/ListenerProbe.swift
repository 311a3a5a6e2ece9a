import Foundation
import NIOCore
import UKBridgeClient

/// Whether something listens on a Unix socket, asked the kernel's way: a connect() that is closed
/// at once, with no byte sent. A guest's line sees at most a client come and go, never a request,
/// so `mount --all` can tell a live socket from a dead one's leftover without talking to the guest.
enum ListenerProbe {
    /// nil when a listener is there (connected, or its backlog is full: it is alive but busy);
    /// else the errno that says why not (ECONNREFUSED for a leftover socket).
    static func probe(_ path: String) -> Int32? {
        do {
            close(try UnixSocket.connect(to: path))
            return nil
        } catch {
            return error.errnoCode == EAGAIN || error.errnoCode == EINPROGRESS ? nil : error.errnoCode
        }
    }
}
