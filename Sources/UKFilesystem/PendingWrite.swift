import Foundation
import Synchronization

/// What one open for writing collects before its one SET. A value is set once per open, from the
/// whole text: when the first line is complete (a write that brings a newline — `echo 300 >`
/// learns ERANGE from write()), or else at close (`printf 300 | dd bs=1`, which writes "3", "0",
/// "0": it learns ERANGE from close()). Never from a prefix: setting "3" then "30" would change
/// the entry though the value written was out of range.
final class PendingWrite: Sendable {
    enum Step: Equatable {
        /// Keep the bytes; the write succeeds, nothing is sent yet.
        case collect
        /// Send this text as the open's one SET.
        case apply([UInt8])
        /// Fail with this errno; nothing is ever sent for this open.
        case refuse(Int32)
        /// Nothing to do (a close before any byte, or after the SET).
        case none
    }

    private struct State {
        var text: [UInt8] = []
        var settled = false
    }

    private let state = Mutex(State())

    /// Adds `bytes` at `offset`. `limit` bounds the whole text: past it the open is refused (EFBIG)
    /// before anything reaches the guest.
    func write(_ bytes: UnsafeRawBufferPointer, offset: Int, limit: Int) -> Step {
        state.withLock { state -> Step in
            // One value per open: a second line has no setter call to go to.
            guard !state.settled else { return .refuse(EINVAL) }
            guard offset >= 0, offset + bytes.count <= limit else {
                state.settled = true
                return .refuse(EFBIG)
            }
            if state.text.count < offset { state.text.append(contentsOf: repeatElement(0, count: offset - state.text.count)) }
            state.text.replaceSubrange(offset..<min(state.text.count, offset + bytes.count), with: bytes)
            guard let newline = state.text.firstIndex(of: 0x0A) else { return .collect }
            state.settled = true
            // Whatever follows the first line's newline is a second line, in this write or in
            // one before it at a later offset: refused, however the bytes arrived.
            guard newline == state.text.count - 1 else { return .refuse(EINVAL) }
            return .apply(state.text)
        }
    }

    /// At close (FUSE FLUSH, once per close of a descriptor): the text still waiting, if any. An
    /// empty one waits on, since a shell's `>` closes a duplicate before it writes.
    func flush() -> Step {
        state.withLock { state -> Step in
            guard !state.settled, !state.text.isEmpty else { return .none }
            state.settled = true
            return .apply(state.text)
        }
    }
}
