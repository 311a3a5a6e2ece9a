import UKBridge
import UKBridgeClient

/// Turns a guest's listing of a directory into the mount's children, through the one ListingGate
/// (names checked, repeats and `.ukfs` refused, aliases added), with the mount's node kinds.
enum ListingFilter {
    static let metaFolderName = Array(".ukfs".utf8)

    static func children(from listed: [ListedChild], in dir: Node,
                         onRefused: ([UInt8], NameRules.Refusal?) -> Void) -> [(name: [UInt8], kind: NodeKind)] {
        var library: [UInt8]?
        if case .library = dir.kind { library = dir.name }
        let (accepted, aliases) = ListingGate.children(
            from: listed, inRoot: dir.kind == .root, library: library,
            reserved: dir.kind == .root ? [metaFolderName] : [],
            place: { nodeKind(for: $0, in: dir.kind) },
            isObject: { if case .object = $0 { true } else { false } },
            onRefused: onRefused)
        return accepted.map { ($0.name, $0.node) } + aliases.map { ($0.name, .alias(target: $0.target)) }
    }

    /// What a listed child is, given where it was listed; nil when it cannot be there.
    static func nodeKind(for child: ListedChild, in parent: NodeKind) -> NodeKind? {
        switch (parent, child.kind) {
        case (.root, .library):
            return .library(child.id)
        case (.library(let lib), .object):
            return .object(lib: lib, object: child.id)
        case (.library(let lib), .entry):
            return child.type.map { .entry(.staticEntry(lib: lib, entry: child.id), $0, child.access) }
        case (.object(let lib, let object), .entry):
            // Slot is object id + 1: the largest id has no slot.
            guard object < UInt64.max else { return nil }
            return child.type.map { .entry(.objectEntry(lib: lib, object: object, entry: child.id), $0, child.access) }
        default:
            return nil
        }
    }
}
