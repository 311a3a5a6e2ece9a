import UKBridge

/// The gate every name a guest lists passes before a host shows it — the mount and the scripting
/// commands alike: names checked by NameRules, repeats and reserved names refused, children that
/// cannot be where they were listed dropped, and the aliases of the one table added.
public enum ListingGate {
    /// `place` says what a child is in this directory (nil: it cannot be there); `isObject` tells
    /// objects among the results, for the object aliases of `library`.
    public static func children<Node>(
        from listed: [ListedChild], inRoot: Bool, library: [UInt8]?, reserved: Set<[UInt8]> = [],
        place: (ListedChild) -> Node?, isObject: (Node) -> Bool,
        onRefused: ([UInt8], NameRules.Refusal?) -> Void = { _, _ in }
    ) -> (accepted: [(name: [UInt8], node: Node)], aliases: [(name: [UInt8], target: [UInt8])]) {
        var seen = reserved
        var accepted: [(name: [UInt8], node: Node)] = []
        for child in listed {
            var refusal = NameRules.check(child.name)
            if refusal == nil && !seen.insert(child.name).inserted { refusal = .duplicate }
            if let refusal {
                onRefused(child.name, refusal)
                continue
            }
            guard let node = place(child) else {
                onRefused(child.name, nil)
                continue
            }
            accepted.append((child.name, node))
        }
        let candidates: [(name: [UInt8], target: [UInt8])]
        if inRoot {
            candidates = Aliases.rootAliases(present: Set(accepted.map(\.name)))
        } else if let library {
            candidates = Aliases.objectAliases(library: library, objects: accepted.filter { isObject($0.node) }.map(\.name))
        } else {
            candidates = []
        }
        let aliases = candidates.filter { seen.insert($0.name).inserted }
        return (accepted, aliases)
    }
}
