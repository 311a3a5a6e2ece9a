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
        while !stopped.load(ordering: .acquiring) {
            // (Re-)watch the folder when it is not watched: it may not have existed, or was replaced.
            if inotify >= 0 && watch < 0 {
                watch = inotify_add_watch(inotify, folder, Self.events)
            }
            var fds = [
                pollfd(fd: inotify, events: Int16(POLLIN), revents: 0),
                pollfd(fd: stopPipe[0], events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, nfds_t(fds.count), interval)
            if stopped.load(ordering: .acquiring) { return }
            let notified = ready > 0 && fds[0].revents != 0
            if notified {
                if drain(inotify) { watch = -1 }
                // A simulator binds its socket a moment before it listens: let a burst settle.
                usleep(20_000)
            }
            // Without inotify every re-scan is a full one.
            onChange(notified || inotify < 0 || watch < 0)
        }
    }

    /// Reads every pending event; true when the watch itself ended (the folder was removed or moved).
    private func drain(_ fd: Int32) -> Bool {
        var ended = false
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(fd, &buffer, buffer.count)
            guard count > 0 else { return ended }
            var offset = 0
            while offset + MemoryLayout<inotify_event>.size <= count {
                let (mask, length) = buffer.withUnsafeBytes { raw in
                    let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    return (event.mask, Int(event.len))
                }
                if mask & UInt32(IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF) != 0 { ended = true }
                offset += MemoryLayout<inotify_event>.size + length
            }
        }
    }
}
