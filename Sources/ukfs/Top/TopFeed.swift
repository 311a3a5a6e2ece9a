import Foundation
import Synchronization
import UKTop

/// What passes between the refreshing task and the interface thread: what the view wants read
/// (the filter, the instance in detail), the latest refresh, and a socket pair that wakes the interface
/// when a refresh lands (it waits in poll() on the terminal and this socket together).
final class TopFeed: Sendable {
    struct Wanted: Sendable, Equatable {
        var order: RowOrder
        var detail: String?
    }

    private let wantedState: Mutex<Wanted>
    private let latestState = Mutex<(refresh: TopRefresh?, count: Int)>((nil, 0))
    /// Set by the interface when what it wants changed, so the next refresh starts at once.
    private let nudged = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)
    /// [read end, write end], both non-blocking.
    let wake: [Int32]

    init(order: RowOrder) throws {
        wantedState = Mutex(Wanted(order: order, detail: nil))
        var fds: [Int32] = [-1, -1]
        let kind = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        guard socketpair(AF_UNIX, kind, 0, &fds) == 0 else {
            throw CLIError("cannot make a socket pair: \(String(cString: strerror(errno)))")
        }
        wake = fds
    }

    deinit {
        close(wake[0])
        close(wake[1])
    }

    var wanted: Wanted {
        get { wantedState.withLock { $0 } }
        set {
            let changed = wantedState.withLock { old in
                defer { old = newValue }
                return old != newValue
            }
            if changed { nudged.store(true, ordering: .releasing) }
        }
    }

    func publish(_ refresh: TopRefresh) {
        latestState.withLock { $0 = (refresh, $0.count + 1) }
        var byte: UInt8 = 1
        _ = write(wake[1], &byte, 1)
    }

    /// The latest refresh and how many there were so far.
    var latest: (refresh: TopRefresh?, count: Int) { latestState.withLock { $0 } }

    func drainWake() {
        var bytes = [UInt8](repeating: 0, count: 64)
        while read(wake[0], &bytes, bytes.count) > 0 {}
    }

    func takeNudge() -> Bool { nudged.exchange(false, ordering: .acquiringAndReleasing) }

    var isFinished: Bool { finished.load(ordering: .acquiring) }

    func finish() {
        finished.store(true, ordering: .releasing)
        var byte: UInt8 = 0
        _ = write(wake[1], &byte, 1)
    }
}
