import Foundation
import Logging
import NIOCore
import Synchronization

/// Calls `onChange(true)` when the registry folder changes (inotify: a socket created, removed or
/// renamed) and, as a safety net, every `rescanInterval` anyway: inotify can overflow, the folder
/// can be replaced, and an instance that did not answer yet must be tried again. Runs on a thread
/// of its own, woken by a pipe to stop.
final class RegistryWatcher: @unchecked Sendable {
    // @unchecked: `thread` is set once by start(); the pipe's fds are fixed at init.
    private let folder: String
    private let rescanInterval: Duration
    private let logger: Logger
    /// Told whether inotify reported a change (false: the periodic re-scan).
    private let onChange: @Sendable (_ notified: Bool) -> Void
    private let stopped = Atomic<Bool>(false)
    private var stopPipe: [Int32] = [-1, -1]
    private var thread: Thread?

    /// Changes of a socket's presence or name; IN_ATTRIB for a chown that makes it ours (or not).
    private static let events = UInt32(
        IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB
            | IN_DELETE_SELF | IN_MOVE_SELF)

    init(folder: String, rescanInterval: Duration, logger: Logger, onChange: @escaping @Sendable (_ notified: Bool) -> Void) {
        self.folder = folder
        self.rescanInterval = rescanInterval
        self.logger = logger
        self.onChange = onChange
    }

    func start() {
        if pipe(&stopPipe) != 0 { stopPipe = [-1, -1] }
        let thread = Thread { [self] in run() }
        thread.name = "ukfs-registry"
        thread.start()
        self.thread = thread
    }

    func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        if stopPipe[1] >= 0 {
            var byte: UInt8 = 1
            _ = write(stopPipe[1], &byte, 1)
        }
    }

    private func run() {
        let inotify = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        var watch: Int32 = -1
        defer {
            if inotify >= 0 { close(inotify) }
            for fd in stopPipe where fd >= 0 { close(fd) }
        }
        if inotify < 0 {
            logger.warning("inotify is unavailable (\(String(cString: strerror(errno)))): following the registry by re-scanning only")
        }
        let interval = Int32(TimeAmount(rescanInterval).nanoseconds / 1_000_000)
        var nextRescan = ContinuousClock.now + rescanInterval
        while !stopped.load(ordering: .acquiring) {
            // (Re-)watch the folder when it is not watched: it may not have existed, or was replaced.
            if inotify >= 0 && watch < 0 {
                watch = inotify_add_watch(inotify, folder, Self.events)
            }
            var fds = [
                pollfd(fd: inotify, events: Int16(POLLIN), revents: 0),
                pollfd(fd: stopPipe[0], events: Int16(POLLIN), revents: 0),
            ]
            let left = nextRescan - ContinuousClock.now
            let wait = max(0, min(interval, Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)))
            let ready = poll(&fds, nfds_t(fds.count), wait)
            if stopped.load(ordering: .acquiring) { return }
            var notified = false
            if ready > 0 && fds[0].revents != 0 {
                let (ended, sockets) = drain(inotify)
                if ended { watch = -1 }
                // Only instance sockets matter: the lock and share files every connection makes
                // and removes beside them (NAME.lock, NAME.share) must not cost a re-scan each.
                notified = sockets || ended
                // A simulator binds its socket a moment before it listens: let a burst settle.
                if notified { usleep(20_000) }
                // Only other files changed: keep waiting for the periodic re-scan.
                if !notified && ContinuousClock.now < nextRescan { continue }
            }
            nextRescan = ContinuousClock.now + rescanInterval
            // Without inotify every re-scan is a full one.
            onChange(notified || inotify < 0 || watch < 0)
        }
    }

    /// Reads every pending event: whether the watch itself ended (the folder was removed or moved),
    /// and whether any was about a name ending in `.sock` (or lost: an overflow).
    private func drain(_ fd: Int32) -> (ended: Bool, sockets: Bool) {
        var ended = false
        var sockets = false
        var buffer = [UInt8](repeating: 0, count: 4096)
        let header = MemoryLayout<inotify_event>.size
        while true {
            let count = read(fd, &buffer, buffer.count)
            guard count > 0 else { return (ended, sockets) }
            var offset = 0
            while offset + header <= count {
                let (mask, length) = buffer.withUnsafeBytes { raw in
                    let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    return (event.mask, Int(event.len))
                }
                if mask & UInt32(IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF) != 0 { ended = true }
                if mask & UInt32(IN_Q_OVERFLOW) != 0 { sockets = true }
                let name = buffer[min(offset + header, count)..<min(offset + header + length, count)].prefix { $0 != 0 }
                if name.count >= 5 && name.suffix(5).elementsEqual(".sock".utf8) { sockets = true }
                offset += header + length
            }
        }
    }
}
