import Foundation

/// Whether something listens on a Unix socket, asked the kernel's way: a connect() that is closed
/// at once, with no byte sent. A guest's line sees at most a client come and go, never a request,
/// so `mount --all` can tell a live socket from a dead one's leftover without talking to the guest.
enum ListenerProbe {
    /// nil when a listener is there (connected, or its backlog is full: it is alive but busy);
    /// else the errno that says why not (ECONNREFUSED for a leftover socket).
    static func probe(_ path: String) -> Int32? {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { return ENAMETOOLONG }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in raw.copyBytes(from: bytes) }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return errno }
        defer { close(fd) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if result == 0 || errno == EAGAIN || errno == EINPROGRESS { return nil }
        return errno
    }
}
