import UKBridge

/// The gate every name a guest lists passes before a host shows it — the mount and the scripting
/// commands alike: names checked by NameRules, repeats and reserved names refused, children that
/// cannot be where they were listed dropped (PlacedChild), and the aliases of the one table added.
public enum ListingGate {
    /// The children of the directory listed by `scope`; `library` is that directory's library
    /// name (the library itself, or an object's), for the object aliases it may have.
    public static func children(
        from listed: [ListedChild], in scope: ListScope, library: [UInt8]?, reserved: Set<[UInt8]> = [],
        onRefused: ([UInt8], NameRules.Refusal?) -> Void = { _, _ in }
    ) -> (accepted: [(name: [UInt8], child: PlacedChild)], aliases: [(name: [UInt8], target: [UInt8])]) {
        var seen = reserved
        var accepted: [(name: [UInt8], child: PlacedChild)] = []
        for child in listed {
            var refusal = NameRules.check(child.name)
            if refusal == nil && !seen.insert(child.name).inserted { refusal = .duplicate }
            if let refusal {
                onRefused(child.name, refusal)
                continue
            }
            guard let placed = PlacedChild.place(child, in: scope) else {
                onRefused(child.name, nil)
                continue
            }
            accepted.append((child.name, placed))
        }
        let candidates: [(name: [UInt8], target: [UInt8])]
        switch scope {
        case .root:
            candidates = Aliases.rootAliases(present: Set(accepted.map(\.name)))
        case .library:
            let objects = accepted.filter { if case .object = $0.child { true } else { false } }.map(\.name)
            candidates = library.map { Aliases.objectAliases(library: $0, objects: objects) } ?? []
        case .object:
            candidates = []
        }
        let aliases = candidates.filter { seen.insert($0.name).inserted }
        return (accepted, aliases)
    }
}
