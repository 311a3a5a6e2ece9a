import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization
import UKBridge

/// The requests waiting for an answer, keyed by request id. A sweep on the event loop fails the
/// ones past their deadline, so no caller waits longer than it asked. The sweep runs only while
/// the connection is in use: it stops after `idleSweeps` ticks with nothing waiting and the next
/// request starts it again, so an idle connection (thousands of them under `--all`) costs no timer.
final class PendingRequests: Sendable {
    private struct Waiting {
        let deadline: ContinuousClock.Instant
        let completion: BridgeConnection.Completion
    }

    private struct State {
        var waiting: [UInt16: Waiting] = [:]
        var nextID: UInt16 = 1
        var closed = false
        var eventLoop: EventLoop?
        var sweeping = false
        var idleTicks = 0
    }

    static let tick = TimeAmount.milliseconds(20)
    /// Ticks with nothing outstanding before the sweep stops (100 ms): a reader in a loop keeps it
    /// going, and restarting it costs one task scheduled; a longer tail made thousands of
    /// connections sweep for nothing after an exporter's scrape.
    static let idleSweeps = 5

    private let state = Mutex(State())

    /// A free request id (1…65535, never 0), or nil when too many are outstanding or closed.
    func register(timeout: Duration, completion: @escaping BridgeConnection.Completion) -> UInt16? {
        let (rid, loop) = state.withLock { state -> (UInt16?, EventLoop?) in
            guard !state.closed, state.waiting.count < BridgeConnection.maxOutstanding else { return (nil, nil) }
            var rid = state.nextID
            while rid == 0 || state.waiting[rid] != nil { rid &+= 1 }
            state.nextID = rid &+ 1
            state.waiting[rid] = Waiting(deadline: .now + timeout, completion: completion)
            state.idleTicks = 0
            guard !state.sweeping, let loop = state.eventLoop else { return (rid, nil) }
            state.sweeping = true
            return (rid, loop)
        }
        if let loop { startTicking(on: loop) }
        return rid
    }

    /// Completes a request; false if nobody waits for that id (a late or stray answer).
    @discardableResult
    func complete(rid: UInt16, with result: Result<Answer, BridgeError>) -> Bool {
        guard let waiting = state.withLock({ $0.waiting.removeValue(forKey: rid) }) else { return false }
        waiting.completion(result)
        return true
    }

    func failAll(_ error: BridgeError) {
        let all = state.withLock { state -> [Waiting] in
            state.closed = true
            defer { state.waiting.removeAll() }
            return Array(state.waiting.values)
        }
        for waiting in all { waiting.completion(.failure(error)) }
    }

    /// Sweeps on `eventLoop` from now on, whenever requests are outstanding.
    func startSweeping(on eventLoop: EventLoop) {
        let start = state.withLock { state -> Bool in
            state.eventLoop = eventLoop
            guard !state.sweeping, !state.closed else { return false }
            state.sweeping = true
            return true
        }
        if start { startTicking(on: eventLoop) }
    }

    private func startTicking(on eventLoop: EventLoop) {
        eventLoop.scheduleRepeatedTask(initialDelay: Self.tick, delay: Self.tick) { [weak self] task in
            guard let self else { task.cancel(); return }
            if !self.sweep() { task.cancel() }
        }
    }

    /// Fails expired requests; false when the sweep should stop (closed, or idle long enough).
    private func sweep() -> Bool {
        let now = ContinuousClock.now
        let (expired, goOn) = state.withLock { state -> ([Waiting], Bool) in
            let ids = state.waiting.filter { $0.value.deadline <= now }.map(\.key)
            let expired = ids.compactMap { state.waiting.removeValue(forKey: $0) }
            if state.waiting.isEmpty { state.idleTicks += 1 } else { state.idleTicks = 0 }
            if state.closed || state.idleTicks >= Self.idleSweeps {
                state.sweeping = false
                return (expired, false)
            }
            return (expired, true)
        }
        for waiting in expired { waiting.completion(.failure(.timedOut)) }
        return goOn
    }
}
