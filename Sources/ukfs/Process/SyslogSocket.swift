import Foundation
import Synchronization
import UKBridgeClient

/// The local syslog daemon's socket, written as glibc's syslog(3) writes it: one RFC 3164
/// datagram per message (`<PRI>Mmm dd hh:mm:ss TAG[PID]: text`). Written here, not through
/// syslog(3), because glibc's socket path is fixed: `UKFS_SYSLOG_SOCKET` (for tests) points ukfs
/// at another one. A message that cannot be sent (no daemon, its queue full) is dropped, as
/// syslog(3) drops it: logging never blocks a server.
final class SyslogSocket: Sendable {
    static let shared = SyslogSocket(path: ProcessInfo.processInfo.environment["UKFS_SYSLOG_SOCKET"] ?? "/dev/log")

    /// Facility `daemon` (3), as sshfs and libfuse's daemons log once detached.
    static let facility: Int32 = 3
    /// The longest message sent; the rest is cut (syslog daemons take at least 1 KiB, most 8 KiB).
    static let maxMessage = 4096

    let path: String
    /// The connected socket (-1: none), and when connecting last failed: with no daemon listening,
    /// messages are dropped for a second before trying again, not each one paying a connect().
    private let descriptor = Mutex<(fd: Int32, failedAt: ContinuousClock.Instant?)>((-1, nil))

    init(path: String) { self.path = path }

    func send(severity: Int32, tag: String, _ text: String) {
        let line = "<\(Self.facility * 8 + severity)>\(Self.timestamp()) \(tag)[\(getpid())]: \(text)"
        let bytes = Array(line.utf8.prefix(Self.maxMessage))
        descriptor.withLock { state in
            // Once more after reconnecting: the daemon may have restarted since the last message.
            for _ in 0..<2 {
                if state.fd < 0 {
                    if let failed = state.failedAt, ContinuousClock.now - failed < .seconds(1) { return }
                    state.fd = Self.connect(path)
                    state.failedAt = state.fd < 0 ? .now : nil
                }
                guard state.fd >= 0 else { return }
                let sent = bytes.withUnsafeBytes { Glibc.send(state.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
                if sent >= 0 || errno == EAGAIN { return }
                close(state.fd)
                state.fd = -1
            }
        }
    }

    private static func connect(_ path: String) -> Int32 {
        (try? UnixSocket.connect(to: path, datagram: true, nonBlocking: false)) ?? -1
    }

    /// `Dec  7 17:40:02`, local time, as RFC 3164 and syslog(3) write it.
    private static func timestamp() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let count = strftime(&buffer, buffer.count, "%b %e %H:%M:%S", &parts)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
