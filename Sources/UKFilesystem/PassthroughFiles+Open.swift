import CFuse3

/// The opens `PassthroughFiles` serves: what each brings, and the value it read.
extension PassthroughFiles {
    /// What an open reads: the value's text, or the errno its reads fail with.
    enum OpenValue: Equatable, Sendable {
        case text([UInt8])
        case failed(Int32)

        var text: [UInt8]? {
            if case .text(let text) = self { text } else { nil }
        }
    }

    /// An OPEN waiting for its answer, registered in `interrupts` as `ticket`.
    struct Opener: @unchecked Sendable {
        // @unchecked: fuse_file_info is a plain C struct, copied by value.
        let ticket: UInt64
        let node: Node
        let info: fuse_file_info
    }

    /// An OPEN with the value it read.
    struct PendingOpen: Sendable {
        let opener: Opener
        let value: OpenValue
        var ticket: UInt64 { opener.ticket }
        var node: Node { opener.node }
        var info: fuse_file_info { opener.info }
    }

    /// Reads an inode's value (the guest's GET) and calls back with it, once.
    typealias Fetch = @Sendable (_ done: @escaping @Sendable (OpenValue) -> Void) -> Void
}
