import CFuse3
import Foundation
import Synchronization

/// Requests waiting on the guest that a signal may interrupt (FUSE_INTERRUPT). Whoever takes a
/// request out of this table answers it: the guest's answer, or EINTR at once when the reader got
/// a signal — so Ctrl-C on a `cat` of a stuck guest returns now, not at the timeout.
final class InterruptibleRequests: Sendable {
    private struct State {
        var waiting: [UInt64: FuseRequest] = [:]
        var nextTicket: UInt64 = 1
    }

    private let state = Mutex(State())

    /// Registers `request`; nil when the kernel already interrupted it (it has been answered EINTR).
    func register(_ request: FuseRequest) -> UInt64? {
        let ticket = state.withLock { state -> UInt64 in
            let ticket = state.nextTicket
            state.nextTicket += 1
            state.waiting[ticket] = request
            return ticket
        }
        // libfuse calls the function at once if the interrupt came first. The callback cannot
        // capture: it finds this table again through the session's filesystem.
        fuse_req_interrupt_func(
            request.raw,
            { raw, data in
                guard let raw else { return }
                FuseOperations.filesystem(raw).interrupts.interrupted(ticket: UInt64(UInt(bitPattern: data)))
            }, UnsafeMutableRawPointer(bitPattern: UInt(ticket)))
        return state.withLock { $0.waiting[ticket] != nil } ? ticket : nil
    }

    /// Takes the request back to answer it; nil when it was interrupted and answered already.
    func claim(_ ticket: UInt64) -> FuseRequest? {
        state.withLock { $0.waiting.removeValue(forKey: ticket) }
    }

    private func interrupted(ticket: UInt64) {
        claim(ticket)?.error(EINTR)
    }

    var count: Int { state.withLock { $0.waiting.count } }
}
