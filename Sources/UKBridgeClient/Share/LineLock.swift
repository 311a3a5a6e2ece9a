import Foundation
import Synchronization

/// The right to talk to a guest directly: an exclusive `flock` on `NAME.lock`. The kernel drops it
/// when its holder exits, however it exits (SIGKILL included), so a dead holder never blocks the
/// next one. The file says who holds it (`pid command`), for `ukfs list` and error messages.
///
/// The file lives only while held: its holder removes it when it gives the line up (and at a
/// signal's exit), and whoever finds one unheld whose instance is gone removes it. A lock is only
/// removed by a process holding it, and taking one counts only if the file locked is still the one
/// at the path, so a process that locked a file just removed tries again on the new one: two
/// processes never both believe they hold the line.
final class LineLock: Sendable {
    private let fd: Mutex<Int32>
    private let path: String
    /// The locked file (device, inode): only that one is removed.
    private let file: (UInt64, UInt64)

    private init(fd: Int32, path: String, file: (UInt64, UInt64)) {
        self.fd = Mutex(fd)
        self.path = path
        self.file = file
    }

    enum Attempt {
        case acquired(LineLock)
        /// Another process holds it; what its file says.
        case busy(holder: String?)
        /// No lock can be made here (no folder, not ours): connect without one.
        case unavailable
    }

    static func tryAcquire(_ location: ShareLocation, holder: String) -> Attempt {
        // Each retry follows a removal by another process between our open and our flock.
        for _ in 0..<8 {
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
            guard isStill(fd: fd, at: location.lockPath) else {
                close(fd)
                continue
            }
            let line = Array("\(getpid()) \(holder)\n".utf8.prefix(512))
            _ = ftruncate(fd, 0)
            _ = line.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
            let lock = LineLock(fd: fd, path: location.lockPath, file: (UInt64(info.st_dev), UInt64(info.st_ino)))
            HeldLines.shared.add(lock)
            return .acquired(lock)
        }
        return .busy(holder: nil)
    }

    /// Whether the file open at `fd` is the one at `path` now (not one removed since it was opened).
    private static func isStill(fd: Int32, at path: String) -> Bool {
        var open = stat()
        var named = stat()
        return fstat(fd, &open) == 0 && lstat(path, &named) == 0 && open.st_dev == named.st_dev && open.st_ino == named.st_ino
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

    /// Removes the lock file of an instance that is gone and the share socket beside it, if
    /// nobody holds the lock; true if it did.
    @discardableResult
    static func removeStale(_ location: ShareLocation) -> Bool {
        let fd = open(location.lockPath, O_RDWR | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_uid == getuid(), info.st_mode & S_IFMT == S_IFREG,
            flock(fd, LOCK_EX | LOCK_NB) == 0, isStill(fd: fd, at: location.lockPath)
        else { return false }
        // Holding it: no process shares the line, so a socket at the share's path is a dead one's.
        var share = stat()
        if lstat(location.socketPath, &share) == 0, share.st_mode & S_IFMT == S_IFSOCK, share.st_uid == getuid() {
            unlink(location.socketPath)
        }
        unlink(location.lockPath)
        return true
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

    /// Gives the line up (also done by the kernel at exit): the file goes first, while still
    /// held, so nobody takes a lock on a file about to vanish without seeing it did.
    func release() {
        HeldLines.shared.remove(self)
        fd.withLock { fd in
            guard fd >= 0 else { return }
            removeFile()
            close(fd)
            fd = -1
        }
    }

    /// Removes the lock file if it is still the one locked; the lock itself stays until closed.
    func removeFile() {
        var info = stat()
        if lstat(path, &info) == 0, UInt64(info.st_dev) == file.0, UInt64(info.st_ino) == file.1 {
            unlink(path)
        }
    }
}

extension InstanceRegistry {
    /// Removes the lock files (and share sockets) left by holders that were killed, of instances
    /// that are gone (no `NAME.sock`), where nobody holds them.
    public func removeStaleLocks() {
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for file in files where file.hasSuffix(".lock") {
            let name = String(file.dropLast(5))
            guard Self.isValidName(name) else { continue }
            var info = stat()
            if lstat(socketPath(for: name), &info) == 0 { continue }
            LineLock.removeStale(share(for: name))
        }
    }
}
