import ArgumentParser
import Foundation

@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ukfs-bench",
        abstract: "Measure ukfs side by side with its peers and FUSE's own floor, in one run.",
        discussion: "Mounts everything it measures itself (a simulator, the C agent's host build, LXCFS with "
            + "--with-lxcfs) in a temporary folder and unmounts it after. Needs root or FUSE rights.")

    @Flag(help: "A few hundred operations per figure: checks the benchmark runs, measures nothing reliably.")
    var quick = false

    @Flag(help: "Also measure LXCFS (proc/uptime); installs Debian's lxcfs with apt-get if missing.")
    var withLxcfs = false

    @Flag(help: "Leave out the C agent's host build.")
    var noAgent = false

    @Option(help: "Seconds per reader measurement.")
    var seconds: Double = 1.5

    @Option(help: "Interleaved rounds of reader measurements; the median is reported.")
    var rounds: Int = 3

    @Option(help: "Entries added to the store for the walk and the memory figure.")
    var scale: Int = 10_000

    @Option(help: "Object creations timed for liveness.")
    var creations: Int = 200

    @Option(help: "Write the report as JSON to this path too.")
    var json: String?

    mutating func validate() throws {
        guard seconds > 0, rounds >= 1, scale >= 0, creations >= 1 else {
            throw ValidationError("--seconds, --rounds and --creations must be positive, --scale at least 0")
        }
    }

    func run() async throws {
        // A reader that closes the pipe early (`| head`) must not kill the run before it unmounts
        // what it mounted: writes then fail with EPIPE instead.
        signal(SIGPIPE, SIG_IGN)
        do {
            let plan = BenchPlan(quick: quick, withLXCFS: withLxcfs, withAgent: !noAgent, seconds: seconds,
                                 rounds: rounds, scale: scale, creations: creations)
            let report = try await BenchRun(plan: plan).run()
            print(TablePrinter.render(report))
            if let json { try report.writeJSON(to: json) }
        } catch let error as BenchError {
            BenchRun.progress(error.description)
            throw ExitCode(1)
        }
    }
}

/// What one run measures and how long.
struct BenchPlan {
    let quick: Bool
    let withLXCFS: Bool
    let withAgent: Bool
    let seconds: Double
    let rounds: Int
    let scale: Int
    let creations: Int

    var readerBudget: ReaderLoop.Budget { quick ? .operations(300) : .seconds(seconds) }
    var readerRounds: Int { quick ? 1 : rounds }
    var warmUp: Int { quick ? 50 : 500 }
    var bridgeGets: Int { quick ? 300 : 30_000 }
    var liveCreations: Int { quick ? min(creations, 10) : creations }
    var storeScale: Int { quick ? min(scale, 500) : scale }
}
