import Foundation
import NIOCore
import Synchronization

/// Writes request frames straight to a Unix socket from the caller's thread (a FUSE worker), so a
/// request costs no hop to the event loop: the event loop only reads answers. Every bridge write
/// goes through here once the connection is up, so frames never interleave with NIO's own writes
/// (NIO writes nothing after the transport's own handshake, if any).
///
/// Callers that arrive while another is writing leave their frame in a queue that the writing
/// thread drains in the same system call, so a burst of pipelined requests costs one write, not
/// one each (what NIO's flush coalescing gave, without the hop).
final class DirectWriter: Sendable {
    private struct State {
        /// A duplicate of the channel's descriptor (NIO owns and closes the original); -1 once closed.
        var fd: Int32
        var queued: [UInt8] = []
        var writing = false
        var broken = false
        /// Closed while a thread was writing: that thread closes it when done, so the descriptor
        /// number is never reused under a write in flight.
        var closeWhenDone = false

        mutating func finishWriting() {
            writing = false
            if closeWhenDone { closeNow() }
        }

        mutating func closeNow() {
            if fd >= 0 { Foundation.close(fd) }
            fd = -1
        }
    }

    private let state: Mutex<State>

    init(duplicating fd: Int32) throws {
        let copy = fcntl(fd, F_DUPFD_CLOEXEC, 0)
        guard copy >= 0 else { throw IOError(errnoCode: errno, reason: "dup") }
        state = Mutex(State(fd: copy))
    }

    /// Sends `bytes`: written by this thread, or by the one writing when it arrives. The socket is
    /// non-blocking (NIO made it so): when full, the writer waits for room until `deadline`. False
    /// when the connection is closed or broken; a frame left queued on a line that then breaks is
    /// failed by the connection closing.
    func write(_ bytes: UnsafeRawBufferPointer, until deadline: ContinuousClock.Instant) -> Bool {
        let mustWrite = state.withLock { state -> Bool? in
            guard state.fd >= 0, !state.broken else { return nil }
            state.queued.append(contentsOf: bytes)
            if state.writing { return false }
            state.writing = true
            return true
        }
        guard let mustWrite else { return false }
        guard mustWrite else { return true }
        while true {
            let (fd, batch) = state.withLock { state -> (Int32, [UInt8]) in
                defer { state.queued.removeAll(keepingCapacity: true) }
                if state.queued.isEmpty || state.closeWhenDone { state.finishWriting() }
                return (state.fd, state.closeWhenDone ? [] : state.queued)
            }
            if batch.isEmpty { return true }
            guard writeAll(batch, to: fd, until: deadline) else {
                state.withLock { state in
                    state.broken = true
                    state.queued.removeAll()
                    state.finishWriting()
                }
                return false
            }
        }
    }

    private func writeAll(_ batch: [UInt8], to fd: Int32, until deadline: ContinuousClock.Instant) -> Bool {
        guard fd >= 0 else { return false }
        return batch.withUnsafeBytes { bytes in
            guard var next = bytes.baseAddress else { return true }
            var left = bytes.count
            while left > 0 {
                let written = send(fd, next, left, Int32(MSG_NOSIGNAL))
                if written > 0 {
                    next += written
                    left -= written
                    continue
                }
                guard written < 0, errno == EAGAIN || errno == EINTR else { return false }
                let remaining = deadline - .now
                guard remaining > .zero else { return false }
                var ready = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&ready, 1, Int32(min(remaining.components.seconds * 1000 + 1, 60_000)))
            }
            return true
        }
    }

    func close() {
        state.withLock { state in
            if state.writing { state.closeWhenDone = true } else { state.closeNow() }
        }
    }
}
