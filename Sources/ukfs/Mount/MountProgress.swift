import Foundation
import Synchronization
import UKFilesystem

/// What a mount says while it comes up and runs, to whoever started it: on a terminal, one line
/// while it waits (`-o wait` before the guest answers, `--all` before any instance registered)
/// and one once mounted; to systemd (Type=notify, the process it started), READY=1 once mounted,
/// STATUS= with the connection's state as it changes, STOPPING=1 as it unmounts.
final class MountProgress: Sendable {
    /// `vm1`, or `every instance of /run/ukfs`.
    let what: String
    let mountpoint: String
    /// Whether waiting and mounted lines are wanted at all: `-o wait` and `--all`.
    let announces: Bool
    /// What the mounted line adds after a waiting line.
    let afterWaiting: String

    private struct State {
        var ready = false
        var connection: ConnectionChange?
    }
    private let state = Mutex(State())

    init(what: String, mountpoint: String, announces: Bool, afterWaiting: String = "it connects when the instance answers") {
        self.what = what
        self.mountpoint = mountpoint
        self.announces = announces
        self.afterWaiting = afterWaiting
    }

    /// The terminal lines go to stderr only when it is a terminal: scripts, mount(8) run from
    /// systemd, and logs get nothing they did not ask for.
    static var onTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// The mount's connection changed (MountOptions.onStateChange); after READY, systemd hears it.
    func stateChanged(_ change: ConnectionChange) {
        let ready = state.withLock { state in
            state.connection = change
            return state.ready
        }
        if ready { SystemdNotify.send(["STATUS=\(what) at \(mountpoint): \(change.state)"]) }
    }

    /// The line saying what the new mount waits for, if it waits: the guest's last connect error.
    func waitingLine(address: String) -> String? {
        guard let connection = state.withLock({ $0.connection }), !connection.connected else { return nil }
        return "waiting for \(what) at \(address)" + (connection.reason.map { " (\($0))" } ?? "")
    }

    func mountedLine(waited: Bool) -> String {
        "mounted \(what) at \(mountpoint)" + (waited ? "; \(afterWaiting)" : "")
    }

    /// The mount is made: systemd may start what depends on it.
    func ready() {
        let text = state.withLock { state -> String in
            state.ready = true
            return state.connection?.state ?? "connected"
        }
        SystemdNotify.send(["READY=1", "STATUS=\(what) at \(mountpoint): \(text)"])
    }

    func stopping() {
        SystemdNotify.send(["STOPPING=1", "STATUS=unmounting \(mountpoint)"])
    }

    /// One `ukfs: …` line on stderr, if that is a terminal.
    static func say(_ line: String) {
        if onTerminal { StandardStreams.err("ukfs: \(line)\n") }
    }
}
