import ArgumentParser
import UKBridge
import UKBridgeClient
import UKGuestTree

struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Print `PATH VALUE` for each entry, then a line each time a value changes.",
        discussion: "All entries are read in one batched request per interval. Ctrl-C stops.")

    @OptionGroup var target: InstanceOptions

    @Argument(help: "Entry paths, e.g. net/eth0/rx_bytes.", completion: .custom(Completions.entryPaths))
    var paths: [String]

    @Option(help: "Seconds between reads.")
    var interval: Double = 1

    @Option(help: "Stop after printing this many lines.")
    var count: Int?

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("give at least one entry path, e.g. ukfs watch vm1 net/eth0/rx_bytes") }
        guard interval > 0 else { throw ValidationError("--interval must be above 0 seconds") }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
    }

    func run() async throws {
        try await reportingErrors {
            try await ScriptSession.with(target, label: "ukfs.watch", role: .holder) { session in
                var entries: [TreeEntry] = []
                for path in paths { entries.append(try await session.entry(path)) }
                var last = [String?](repeating: nil, count: paths.count)
                var printed = 0
                while true {
                    let values = try await GetCommand.values(of: entries, paths: paths, in: session)
                    var lines: [String] = []
                    for (index, value) in values.enumerated() where last[index] != Output.text(value) {
                        last[index] = Output.text(value)
                        lines.append(paths[index] + " " + Output.text(value))
                    }
                    if let count { lines = Array(lines.prefix(count - printed)) }
                    Output.lines(lines)
                    printed += lines.count
                    if let count, printed >= count { return }
                    try await Task.sleep(for: .milliseconds(Int64(interval * 1000)))
                }
            }
        }
    }
}
