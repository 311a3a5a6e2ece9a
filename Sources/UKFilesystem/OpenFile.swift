import Foundation
import Synchronization
import UKBridge

/// What one open(2) of an entry or a .ukfs file holds, carried in `fi->fh`. Readers see the
/// snapshot taken at open, so reading in small pieces gives one consistent value.
final class OpenFile: Sendable {
    let node: Node
    let snapshot: [UInt8]
    let writable: Bool
    /// Bytes written so far through this open, parsed as a whole at each write.
    let written = Mutex<[UInt8]>([])

    init(node: Node, snapshot: [UInt8], writable: Bool) {
        self.node = node
        self.snapshot = snapshot
        self.writable = writable
    }

    static let maxWrite = ProtocolLimits.maxString + 64
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
