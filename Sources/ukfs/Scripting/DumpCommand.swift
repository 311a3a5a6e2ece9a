import ArgumentParser
import UKBridge
import UKBridgeClient
import UKGuestTree

struct DumpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "Print every readable entry as `PATH VALUE`, read in batched requests.",
        discussion: """
            Entries without a getter are left out. Every entry that can be read is printed; each readable entry \
            whose read failed is left out and reported on stderr (`ukfs: NAME: PATH: error`), as `grep -r .` on the \
            mount reports it, and the exit status is then the first one's errno (5 for EIO).
            """)

    @OptionGroup var target: InstanceOptions

    @Argument(help: "Only the subtree at this path (default: the whole tree).", completion: .custom(Completions.entryPaths))
    var path: String = ""

    @Flag(help: "One JSON object nested as the tree: library → [object →] entry → value.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            try await ScriptSession.with(target, label: "ukfs.dump") { session in
                let node = try await session.resolve(path)
                let entries: [TreeEntry]
                do throws(TreeError) { entries = try await session.tree.entries(under: node) } catch { throw session.failure(error) }
                let values = await session.tree.read(entries)
                var read: [(entry: TreeEntry, value: Value)] = []
                var failed: [CLIError] = []
                for (entry, result) in zip(entries, values) {
                    switch result {
                    case .value(let value): read.append((entry, value))
                    case .error(let errno) where entry.access.contains(.readable):
                        failed.append(session.failure(path: entry.path, errno: errno))
                    case .error: break   // no getter: not a readable entry
                    }
                }
                if json {
                    Output.lines([Self.json(read)])
                } else {
                    Output.lines(read.map { $0.entry.path + " " + Output.text($0.value) })
                }
                // One line each (ten at most: a dead guest fails them all), the last as the
                // command's error; the status is the first's errno.
                guard let first = failed.first else { return }
                var lines = failed.map(\.description)
                if lines.count > Self.reportedFailures {
                    lines =
                        Array(lines.prefix(Self.reportedFailures - 1)) + [
                            "\(session.target.name): \(lines.count - Self.reportedFailures + 1) more entries could not be read"
                        ]
                }
                for line in lines.dropLast() { StandardStreams.err("ukfs: \(line)\n") }
                throw CLIError(lines.last ?? first.description, status: first.status)
            }
        }
    }

    static let reportedFailures = 10

    /// Nested objects in listing order: libraries, then their static entries and objects.
    static func json(_ read: [(entry: TreeEntry, value: Value)]) -> String {
        var libraries: [(name: [UInt8], members: [(key: [UInt8], value: String)])] = []
        var objects: [[UInt8]: [(key: [UInt8], value: String)]] = [:]   // "lib/obj" → members
        var objectOrder: [[UInt8]: [[UInt8]]] = [:]   // lib → object names
        for (entry, value) in read {
            if libraries.last?.name != entry.library && !libraries.contains(where: { $0.name == entry.library }) {
                libraries.append((entry.library, []))
            }
            guard let index = libraries.firstIndex(where: { $0.name == entry.library }) else { continue }
            if let object = entry.object {
                let key = entry.library + [0x2F] + object
                if objects[key] == nil {
                    objects[key] = []
                    objectOrder[entry.library, default: []].append(object)
                }
                objects[key]?.append((entry.name, JSONText.value(value)))
            } else {
                libraries[index].members.append((entry.name, JSONText.value(value)))
            }
        }
        let body = libraries.map { library -> (key: String, value: String) in
            var members = library.members.map { (key: String(decoding: $0.key, as: UTF8.self), value: $0.value) }
            for object in objectOrder[library.name] ?? [] {
                let inner = (objects[library.name + [0x2F] + object] ?? []).map {
                    (key: String(decoding: $0.key, as: UTF8.self), value: $0.value)
                }
                members.append((String(decoding: object, as: UTF8.self), JSONText.object(inner)))
            }
            return (String(decoding: library.name, as: UTF8.self), JSONText.object(members))
        }
        return JSONText.object(body)
    }
}
