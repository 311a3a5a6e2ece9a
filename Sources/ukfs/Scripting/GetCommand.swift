import ArgumentParser
import UKBridge
import UKBridgeClient
import UKGuestTree

struct GetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Print the values of entries, one per line, read in one batched request.",
        discussion:
            "Nothing is printed unless every value could be read; the exit status is then the errno `cat` on the mount would meet (2 no such entry, 13 no getter, 21 a directory, 5 the guest did not answer …)."
    )

    @OptionGroup var target: InstanceOptions

    @Argument(help: "Entry paths, e.g. net/eth0/rx_bytes memory/cur_mem_free.", completion: .custom(Completions.entryPaths))
    var paths: [String]

    @Flag(help: "Print one JSON object, path → value (numbers as numbers).")
    var json = false

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("give at least one entry path, e.g. ukfs get vm1 memory/cur_mem_free") }
    }

    func run() async throws {
        try await reportingErrors {
            try await ScriptSession.with(target, label: "ukfs.get") { session in
                var entries: [TreeEntry] = []
                for path in paths { entries.append(try await session.entry(path)) }
                let values = try await Self.values(of: entries, paths: paths, in: session)
                if json {
                    Output.lines([JSONText.object(zip(paths, values).map { ($0, JSONText.value($1)) })])
                } else {
                    Output.lines(values.map(Output.text))
                }
            }
        }
    }

    /// Every value, or the failure of the first entry that could not be read.
    static func values(of entries: [TreeEntry], paths: [String], in session: ScriptSession) async throws -> [Value] {
        let results = await session.tree.read(entries)
        return try zip(paths, results).map { path, result in
            switch result {
            case .value(let value): return value
            case .error(let errno): throw session.failure(path: path, errno: errno)
            }
        }
    }
}
