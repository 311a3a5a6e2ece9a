import Foundation
import Synchronization

/// How every command ends on SIGINT, SIGTERM, SIGHUP or a closed stdout, as coreutils do: what the
/// command holds that the kernel would not release (a mount, a registered socket) is released
/// first, then the process dies by that very signal, so its parent sees 130, 143, 129 or 141 —
/// and systemd sees a clean stop.
enum Termination {
    /// What must be undone before dying; synchronous and quick (a lazy unmount, an unlink), since
    /// a signalled command must be gone within 100 ms.
    private static let release = Mutex<[@Sendable () -> Void]>([])
    private static let ending = Atomic<Bool>(false)

    /// Registers `action` to run before the process ends by a signal.
    static func releasing(_ action: @escaping @Sendable () -> Void) {
        release.withLock { $0.append(action) }
    }

    /// Runs the registered releases (the last registered first) and ends the process by `signal`.
    /// A second caller (another signal, another thread's EPIPE) waits for the first to finish.
    static func end(by signal: Int32) -> Never {
        guard ending.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
            while true { pause() }
        }
        let actions = release.withLock { $0 }
        for action in actions.reversed() { action() }
        fflush(nil)
        Glibc.signal(signal, SIG_DFL)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, signal)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        raise(signal)
        // Only if the signal did not end us (it always should): the conventional status.
        _exit(128 + signal)
    }

    /// Called as main returns: if a termination began, its release may have ended the command's
    /// own flow (an unmount ends the FUSE loop), and the process must still die by the signal, not
    /// exit 0 first.
    static func awaitEndIfEnding() {
        guard ending.load(ordering: .acquiring) else { return }
        while true { pause() }
    }

    /// For commands that serve until stopped (sim, export): suspends for good; the signal thread
    /// ends the process after the command's releases.
    static func serveForever() async -> Never {
        while true { try? await Task.sleep(for: .seconds(3600)) }
    }
}
