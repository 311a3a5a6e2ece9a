import Foundation
import Synchronization

/// The right to talk to a guest directly: an exclusive `flock` on `NAME.lock`. The kernel drops it
/// when its holder exits, however it exits (SIGKILL included), so a dead holder never blocks the
/// next one. The file says who holds it (`pid command`), for `ukfs list` and error messages.
final class LineLock: Sendable {
    private let fd: Mutex<Int32>

    private init(fd: Int32) { self.fd = Mutex(fd) }

    enum Attempt {
        case acquired(LineLock)
        /// Another process holds it; what its file says.
        case busy(holder: String?)
        /// No lock can be made here (no folder, not ours): connect without one.
        case unavailable
    }

    static func tryAcquire(_ location: ShareLocation, holder: String) -> Attempt {
        let fd = open(location.lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { return .unavailable }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_uid == getuid(), info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            return .unavailable
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let failure = errno
            let text = failure == EWOULDBLOCK ? readHolder(fd) : nil
            close(fd)
            return failure == EWOULDBLOCK ? .busy(holder: text) : .unavailable
        }
        let line = Array("\(getpid()) \(holder)\n".utf8.prefix(512))
        _ = ftruncate(fd, 0)
        _ = line.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return .acquired(LineLock(fd: fd))
    }

    /// Who holds the lock of `location`, nil when nobody does (or it cannot be told).
    static func holder(of location: ShareLocation) -> String? {
        let fd = open(location.lockPath, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        // Free (we could take it shared): nobody holds the line.
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return nil
        }
        return readHolder(fd) ?? "another process"
    }

    private static func readHolder(_ fd: Int32) -> String? {
        var bytes = [UInt8](repeating: 0, count: 512)
        let count = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: bytes[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        // Shown on terminals: nothing but printable characters.
        let printable = String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
        return printable.isEmpty ? nil : "pid " + printable
    }

    /// Gives the line up (also done by the kernel at exit).
    func release() {
        fd.withLock { fd in
            guard fd >= 0 else { return }
            _ = ftruncate(fd, 0)
            close(fd)
            fd = -1
        }
    }
}
