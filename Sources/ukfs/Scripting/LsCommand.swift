import ArgumentParser
import UKBridgeClient
import UKGuestTree

struct LsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls",
        abstract: "List a directory of an instance's tree, as `ls` on its mount would (no FUSE needed).")

    @OptionGroup var target: InstanceOptions

    @Argument(help: "A path in the tree, e.g. net/eth0 (default: the root).", completion: .custom(Completions.entryPaths))
    var path: String = ""

    @Flag(name: .shortAndLong, help: "One line per child: kind, type and access, name.")
    var long = false

    func run() async throws {
        try await reportingErrors {
            try await ScriptSession.with(target, label: "ukfs.ls") { session in
                let node = try await session.resolve(path)
                guard node.isDirectory else { return Output.lines([path]) }
                let children: [GuestTree.Child]
                do throws(TreeError) { children = try await session.tree.children(of: node) } catch { throw session.failure(error) }
                let sorted = children.sorted { $0.name.lexicographicallyPrecedes($1.name) }
                Output.lines(sorted.map { long ? Self.longLine($0) : String(decoding: $0.name, as: UTF8.self) })
            }
        }
    }

    /// `dir   -  name`, `link  -  eth0 -> netdev0`, `u64   r- rx_bytes`.
    static func longLine(_ child: GuestTree.Child) -> String {
        let name = String(decoding: child.name, as: UTF8.self)
        let (kind, access): (String, String)
        if let target = child.aliasOf {
            return "link     -- " + name + " -> " + String(decoding: target, as: UTF8.self)
        }
        switch child.node {
        case .entry(let entry): (kind, access) = (entry.type.description, entry.access.description)
        default: (kind, access) = ("dir", "--")
        }
        return kind.padding(toLength: 8, withPad: " ", startingAt: 0) + " " + access + " " + name
    }
}
