/// Friendly names for well-known libraries and objects, so the paths users type work:
/// `/net/eth0/rx_bytes` is `/libuknetdev/netdev0/rx_bytes`. One table; each alias is a symlink
/// that exists only while its target does. Shared by the mount and the scripting commands.
public enum Aliases {
    /// Root symlinks: alias → library.
    public static let libraries: [(alias: String, library: String)] = [
        ("net", "libuknetdev"),
        ("memory", "libukalloc"),
        ("sched", "libuksched"),
        ("print", "libukprint"),
        ("falloc", "libukfalloc"),
    ]

    /// Inside a library: objects named `<objectPrefix><N>` also answer to `<aliasPrefix><N>`.
    public static let objects: [(library: String, objectPrefix: String, aliasPrefix: String)] = [
        ("libuknetdev", "netdev", "eth")
    ]

    /// The root aliases whose libraries are present, as (alias, target) names.
    public static func rootAliases(present libraries: Set<[UInt8]>) -> [(name: [UInt8], target: [UInt8])] {
        Self.libraries.compactMap { alias, library in
            libraries.contains(Array(library.utf8)) ? (Array(alias.utf8), Array(library.utf8)) : nil
        }
    }

    /// Aliases for the objects of `library`, as (alias, target) names.
    public static func objectAliases(library: [UInt8], objects: [[UInt8]]) -> [(name: [UInt8], target: [UInt8])] {
        var result: [(name: [UInt8], target: [UInt8])] = []
        for rule in Self.objects where Array(rule.library.utf8) == library {
            let prefix = Array(rule.objectPrefix.utf8)
            for object in objects where object.count > prefix.count && object.starts(with: prefix) {
                let suffix = object[prefix.count...]
                guard suffix.allSatisfy({ (0x30...0x39).contains($0) }) else { continue }
                result.append((Array(rule.aliasPrefix.utf8) + suffix, object))
            }
        }
        return result
    }
}
