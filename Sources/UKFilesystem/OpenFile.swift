import Foundation
import Synchronization
import UKBridge

/// What one open(2) of an entry or a .ukfs file holds, carried in `fi->fh`: the value's text,
/// taken once per open, so reading in small pieces gives one consistent value.
final class OpenFile: Sendable {
    let node: Node
    let snapshot: ValueSnapshot
    let writable: Bool
    /// What this open writes, set as one value (PendingWrite).
    let pending = PendingWrite()
    /// Set when the kernel serves this open's reads from a backing file: RELEASE gives it back.
    let passthrough: PassthroughFiles?

    init(node: Node, snapshot: ValueSnapshot, writable: Bool, passthrough: PassthroughFiles? = nil) {
        self.node = node
        self.snapshot = snapshot
        self.writable = writable
        self.passthrough = passthrough
    }

    /// The most text one open may write: the longest string and a newline, or a number with room
    /// for white space and leading zeros.
    static func maxWrite(for type: EntryType, maxString: Int) -> Int {
        type == .charp ? maxString + 1 : 256
    }
}

/// The text an open serves. OPEN is answered before the guest's answer arrives: the GET travels
/// while the kernel returns to the reader and sends its first READ, which waits here only for what
/// is left of the round trip. A getter's failure reaches the reader at that READ.
final class ValueSnapshot: Sendable {
    private struct Waiting: Sendable {
        let ticket: UInt64
        let size: Int
        let offset: Int
    }

    private enum State: Sendable {
        case pending([Waiting])
        case ready([UInt8])
        case failed(Int32)
    }

    private let state: Mutex<State>
    private let interrupts: InterruptibleRequests?

    /// A snapshot known at open (`.ukfs` files, write-only opens).
    init(_ text: [UInt8]) {
        state = Mutex(.ready(text))
        interrupts = nil
    }

    /// A snapshot whose value was read already: its text, or the errno its reads fail with.
    init(_ value: PassthroughFiles.OpenValue) {
        switch value {
        case .text(let text): state = Mutex(.ready(text))
        case .failed(let errno): state = Mutex(.failed(errno))
        }
        interrupts = nil
    }

    /// A snapshot the guest's answer will fill; READs that come first wait, interruptibly.
    init(pendingWith interrupts: InterruptibleRequests) {
        state = Mutex(.pending([]))
        self.interrupts = interrupts
    }

    func read(_ request: FuseRequest, size: Int, offset: Int) {
        guard offset >= 0 else { return request.error(EINVAL) }
        let now = state.withLock { state -> State? in
            guard case .pending(var waiting) = state else { return state }
            guard let interrupts, let ticket = interrupts.register(request) else { return nil }
            waiting.append(Waiting(ticket: ticket, size: size, offset: offset))
            state = .pending(waiting)
            return nil
        }
        if let now { Self.answer(request, from: now, size: size, offset: offset) }
    }

    /// The guest answered (or the request failed): serve the READs that were waiting.
    func fulfill(_ result: EntryResult) {
        let (settled, waiting) = state.withLock { state -> (State, [Waiting]) in
            let waiting: [Waiting]
            if case .pending(let queued) = state { waiting = queued } else { waiting = [] }
            switch result {
            case .value(let value): state = .ready(value.text + [0x0A])
            case .error(let errno): state = .failed(errno)
            }
            return (state, waiting)
        }
        for read in waiting {
            if let request = interrupts?.claim(read.ticket) {
                Self.answer(request, from: settled, size: read.size, offset: read.offset)
            }
        }
    }

    private static func answer(_ request: FuseRequest, from state: State, size: Int, offset: Int) {
        switch state {
        case .ready(let text):
            guard offset < text.count else { return request.bytes([]) }
            request.bytes(text[offset..<min(text.count, offset + size)])
        case .failed(let errno):
            request.error(errno)
        case .pending:
            request.error(EIO)
        }
    }
}

/// What one opendir(2) holds: the listing at open, so a directory read in several calls is
/// consistent even while objects come and go.
final class OpenDirectory: Sendable {
    struct Item: Sendable {
        let name: [UInt8]
        let ino: UInt64
        let mode: mode_t
    }

    let items: [Item]

    init(items: [Item]) { self.items = items }
}
