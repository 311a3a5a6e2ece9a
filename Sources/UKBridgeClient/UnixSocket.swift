import Foundation
import NIOCore

/// A Unix socket connected to a path, made here rather than by NIO where the caller needs the
/// descriptor itself: `DirectWriter`, a share's STATUS, the listener probe, syslog, and the raw
/// clients of the bench and the tests. Close-on-exec always. Non-blocking by default, so that a
/// listener with a full backlog answers EAGAIN at once instead of blocking the caller.
public enum UnixSocket {
    /// The connected descriptor, the caller's to close; else the errno that says why not
    /// (ENAMETOOLONG for a path longer than `sun_path` holds, never a truncated path).
    public static func connect(to path: String, datagram: Bool = false, nonBlocking: Bool = true) throws(IOError) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw IOError(errnoCode: ENAMETOOLONG, reason: "socket path")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        var type = Int32((datagram ? SOCK_DGRAM : SOCK_STREAM).rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        if nonBlocking { type |= Int32(SOCK_NONBLOCK.rawValue) }
        let fd = socket(AF_UNIX, type, 0)
        guard fd >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard status == 0 else {
            let failure = errno
            Foundation.close(fd)
            throw IOError(errnoCode: failure, reason: "connect")
        }
        return fd
    }
}
