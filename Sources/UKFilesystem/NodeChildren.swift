import UKBridge
import UKGuestTree

/// Turns a guest's listing of a directory into the mount's children, through the one ListingGate
/// (names checked, repeats and `.ukfs` refused, children placed, aliases added), as node kinds.
enum NodeChildren {
    static let metaFolderName = Array(".ukfs".utf8)

    static func children(
        from listed: [ListedChild], in dir: Node,
        onRefused: ([UInt8], NameRules.Refusal?) -> Void
    ) -> [(name: [UInt8], kind: NodeKind)] {
        guard let scope = dir.kind.listScope else { return [] }
        var library: [UInt8]?
        if case .library = dir.kind { library = dir.name }
        let (accepted, aliases) = ListingGate.children(
            from: listed, in: scope, library: library,
            reserved: dir.kind == .root ? [metaFolderName] : [],
            onRefused: onRefused)
        return accepted.map { ($0.name, NodeKind($0.child)) } + aliases.map { ($0.name, .alias(target: $0.target)) }
    }
}

extension NodeKind {
    /// The node a placed child of the guest's tree becomes in the mount.
    init(_ child: PlacedChild) {
        switch child {
        case .library(let id): self = .library(id)
        case .object(let lib, let id): self = .object(lib: lib, object: id)
        case .entry(let ref, let type, let access): self = .entry(ref, type, access)
        }
    }
}
