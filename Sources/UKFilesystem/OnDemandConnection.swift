import Dispatch
import Synchronization
import UKBridgeClient

/// How a `mount --all` instance folder uses its guest: it connects on first use (a folder nobody
/// enters costs no guest traffic and no descriptor), closes the connection once unused for
/// `idleAfter`, and after a loss or an idle close waits for the next use instead of reconnecting
/// on its own, so the mount's cost grows with the instances read, not with the fleet.
final class OnDemandConnection: LinePolicy {
    let name: String
    let budget: ConnectionBudget
    /// nil: never closed for being idle.
    let idleAfter: Duration?

    /// After a failed attempt, uses within this pause fail at once with its error, so a dead guest
    /// read in a loop costs one connection attempt a second, not one per read.
    static let retryPause = Duration.seconds(1)
    private let retryPause: Duration

    private struct State {
        /// Callers waiting for the attempt in progress; nil when none is.
        var waiting: [@Sendable (BridgeError?) -> Void]?
        var lastFailure: (at: ContinuousClock.Instant, error: BridgeError)?
        /// Set while this side closes an idle connection, so its close is not taken for a loss.
        var closingIdle = false
    }
    private let state = Mutex(State())
    /// When a request last went to the guest (monotonic nanoseconds): read by the idle sweep
    /// without taking the lock every request would take.
    private let lastUse = Atomic<UInt64>(DispatchTime.now().uptimeNanoseconds)

    /// Asked when the budget is spent: closes another folder's least recently used connection, if
    /// one is unused enough, and says whether room was made (InstanceSet.makeRoom).
    let makeRoom: @Sendable (_ forName: String) async -> Bool

    init(
        name: String, budget: ConnectionBudget, idleAfter: Duration?, retryPause: Duration = OnDemandConnection.retryPause,
        makeRoom: @escaping @Sendable (_ forName: String) async -> Bool = { _ in false }
    ) {
        self.makeRoom = makeRoom
        self.retryPause = retryPause
        self.name = name
        self.budget = budget
        self.idleAfter = idleAfter
    }

    var connectsOnUse: Bool { true }

    /// Takes a connection from the budget; when every connection the descriptors allow is open,
    /// another folder's least recently used one, if unused enough, closes to make room.
    func reserve(for name: String) async throws(BridgeError) {
        guard let refused = budget.take(for: name) else { return }
        guard await makeRoom(name), budget.take(for: name) == nil else { throw refused }
    }

    func release() {
        budget.giveBack()
    }

    /// Only when idle closes are allowed at all (-o idle is not 0).
    func mayCloseToMakeRoom(unusedFor duration: Duration) -> Bool {
        idleAfter != nil && isUnused(for: duration)
    }

    func noteUse() {
        lastUse.store(DispatchTime.now().uptimeNanoseconds, ordering: .relaxed)
    }

    /// Whether the connection has gone unused for `idleAfter`.
    var isIdle: Bool {
        guard let idleAfter else { return false }
        return isUnused(for: idleAfter)
    }

    func isUnused(for duration: Duration) -> Bool {
        let unused = DispatchTime.now().uptimeNanoseconds &- lastUse.load(ordering: .relaxed)
        return Duration.nanoseconds(Int64(clamping: unused)) >= duration
    }

    /// When a request last went to the guest, to find the least recently used connection.
    var lastUseNanoseconds: UInt64? { lastUse.load(ordering: .relaxed) }

    /// Calls `done` once `connect` succeeded (nil) or failed; concurrent callers share one attempt.
    func wake(
        connect: @escaping @Sendable () async throws(BridgeError) -> Void,
        onFailure: @escaping @Sendable (BridgeError) -> Void,
        done: @escaping @Sendable (BridgeError?) -> Void
    ) {
        enum Step { case join, start, fail(BridgeError) }
        let step = state.withLock { state -> Step in
            if state.waiting != nil {
                state.waiting?.append(done)
                return .join
            }
            if let failure = state.lastFailure, ContinuousClock.now - failure.at < retryPause {
                return .fail(failure.error)
            }
            state.waiting = [done]
            return .start
        }
        switch step {
        case .join: return
        case .fail(let error): return done(error)
        case .start: break
        }
        noteUse()
        Task {
            var failure: BridgeError?
            do throws(BridgeError) {
                try await connect()
            } catch {
                failure = error
                onFailure(error)
            }
            let waiting = state.withLock { state -> [@Sendable (BridgeError?) -> Void] in
                state.lastFailure = failure.map { (ContinuousClock.now, $0) }
                defer { state.waiting = nil }
                return state.waiting ?? []
            }
            for callback in waiting { callback(failure) }
        }
    }

    /// Marks the coming close as this side's idle close; false if one is already under way.
    func beginIdleClose() -> Bool {
        state.withLock { state in
            guard !state.closingIdle else { return false }
            state.closingIdle = true
            return true
        }
    }

    /// True (once) when the close that just happened was an idle close.
    func takeIdleClose() -> Bool {
        state.withLock { state in
            defer { state.closingIdle = false }
            return state.closingIdle
        }
    }
}
