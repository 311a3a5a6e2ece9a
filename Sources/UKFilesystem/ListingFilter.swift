import UKBridge

/// Turns a guest's listing of a directory into the children the mount shows: every name checked
/// (NameRules; a refused one is reported and left out), kinds that cannot be there dropped, and the
/// aliases of the one table added. The guest is untrusted; this is the gate its names pass.
enum ListingFilter {
    static let metaFolderName = Array(".ukfs".utf8)

    static func children(from listed: [ListedChild], in dir: Node,
                         onRefused: ([UInt8], NameRules.Refusal?) -> Void) -> [(name: [UInt8], kind: NodeKind)] {
        var seen = Set<[UInt8]>()
        var result: [(name: [UInt8], kind: NodeKind)] = []
        for child in listed {
            var refusal = NameRules.check(child.name)
            if refusal == nil && !seen.insert(child.name).inserted { refusal = .duplicate }
            if refusal == nil && dir.kind == .root && child.name == metaFolderName { refusal = .duplicate }
            if let refusal {
                onRefused(child.name, refusal)
                continue
            }
            guard let kind = nodeKind(for: child, in: dir.kind) else {
                onRefused(child.name, nil)
                continue
            }
            result.append((child.name, kind))
        }
        let aliases: [(name: [UInt8], target: [UInt8])] = switch dir.kind {
        case .root: Aliases.rootAliases(present: seen)
        case .library: Aliases.objectAliases(library: dir.name, objects: result.compactMap {
            if case .object = $0.kind { return $0.name } else { return nil } })
        default: []
        }
        for alias in aliases where seen.insert(alias.name).inserted {
            result.append((alias.name, .alias(target: alias.target)))
        }
        return result
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
