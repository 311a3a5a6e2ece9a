import UKBridge

/// What a listed child is, given the directory it was listed in — the one rule for where a child
/// may appear in the tree, which the mount and the scripting commands both follow (through
/// ListingGate): libraries only in the root, objects only in a library, entries in a library or
/// an object, nothing else anywhere.
public enum PlacedChild: Sendable, Equatable {
    case library(id: UInt64)
    case object(lib: UInt64, id: UInt64)
    case entry(EntryRef, EntryType, Access)

    /// Where this child's own children are listed from; nil for an entry.
    public var listScope: ListScope? {
        switch self {
        case .library(let id): .library(id)
        case .object(let lib, let id): .object(lib: lib, object: id)
        case .entry: nil
        }
    }

    /// Places `child`, listed by LIST `parent`; nil when it cannot be there.
    public static func place(_ child: ListedChild, in parent: ListScope) -> PlacedChild? {
        switch (parent, child.kind) {
        case (.root, .library):
            return .library(id: child.id)
        case (.library(let lib), .object):
            return .object(lib: lib, id: child.id)
        case (.library(let lib), .entry):
            return child.type.map { .entry(.staticEntry(lib: lib, entry: child.id), $0, child.access) }
        case (.object(let lib, let object), .entry):
            // An object's slot is its id + 1 (docs/protocol.md §3.3): the largest id has no slot.
            guard object < UInt64.max else { return nil }
            return child.type.map { .entry(.objectEntry(lib: lib, object: object, entry: child.id), $0, child.access) }
        default:
            return nil
        }
    }
}
