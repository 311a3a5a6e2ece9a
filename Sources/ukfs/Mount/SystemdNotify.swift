import Foundation

/// sd_notify(3) without libsystemd: the protocol is one datagram of `KEY=value` lines to the Unix
/// socket systemd names in $NOTIFY_SOCKET (a leading '@' means Linux's abstract namespace), so a
/// unit of Type=notify learns when the mount is ready (READY=1), what it is waiting for (STATUS=)
/// and that it is going away (STOPPING=1). Without NOTIFY_SOCKET nothing is sent.
enum SystemdNotify {
    static let socketPath: String? = {
        guard let path = ProcessInfo.processInfo.environment["NOTIFY_SOCKET"], path.count > 1,
            path.hasPrefix("/") || path.hasPrefix("@")
        else { return nil }
        return path
    }()

    /// Sends `fields` (e.g. ["READY=1", "STATUS=…"]) as one message; best effort, as sd_notify:
    /// a service manager that went away must not stop the mount.
    static func send(_ fields: [String]) {
        guard let path = socketPath else { return }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var name = Array(path.utf8)
        if name[0] == UInt8(ascii: "@") { name[0] = 0 }
        guard name.count <= MemoryLayout.size(ofValue: address.sun_path) else { return }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: name) }
        // The exact length: an abstract name's bytes are all significant, NULs and all.
        let length = socklen_t((MemoryLayout<sockaddr_un>.offset(of: \.sun_path) ?? MemoryLayout<sa_family_t>.size) + name.count)
        let message = Array((fields.joined(separator: "\n") + "\n").utf8)
        _ = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                message.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), socketAddress, length) }
            }
        }
    }
}
