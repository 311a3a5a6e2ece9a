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

    @Flag(help: "Measure density instead: one mount --all and one export --all over fleets of simulated instances (ukfs sim --fleet).")
    var fleet = false

    @Option(help: "With --fleet: fleet sizes for the mount, comma-separated.")
    var fleetSizes: String = "16,256,4096"

    @Option(help: "With --fleet: fleet sizes for the exporter, comma-separated.")
    var exportSizes: String = "16,256,1024,4096"

    @Option(help: "With --fleet: times the largest fleet comes and goes for the leak check.")
    var cycles: Int = 3

    @Flag(help: "Measure ukfs top instead: its first frame, refreshes and CPU over a fleet (ukfs sim --fleet).")
    var top = false

    @Option(help: "With --top: the fleet's size.")
    var topSize: Int = 1024

    @Option(help: "With --top: refreshes measured after the first, at the default interval.")
    var topRefreshes: Int = 30

    @Flag(
        help: "Measure hostile share clients instead: the holder's memory under floods from clients that never read, and 64 idle clients.")
    var hostile = false

    @Option(help: "With --hostile: seconds each flood lasts (--quick: 3).")
    var hostileSeconds: Double = 60

    @Option(help: "Write the report as JSON to this path too.")
    var json: String?

    mutating func validate() throws {
        guard topSize >= 1, topRefreshes >= 2 else { throw ValidationError("--top-size must be at least 1, --top-refreshes at least 2") }
        guard seconds > 0, rounds >= 1, scale >= 0, creations >= 1, cycles >= 1, hostileSeconds > 0 else {
            throw ValidationError("--seconds, --rounds, --creations, --cycles and --hostile-seconds must be positive, --scale at least 0")
        }
        guard Self.sizes(fleetSizes) != nil, Self.sizes(exportSizes) != nil else {
            throw ValidationError("--fleet-sizes and --export-sizes: give instance counts separated by commas, e.g. 16,256,4096")
        }
    }

    func run() async throws {
        // A reader that closes the pipe early (`| head`) must not kill the run before it unmounts
        // what it mounted: writes then fail with EPIPE instead.
        signal(SIGPIPE, SIG_IGN)
        do {
            let plan = BenchPlan(
                quick: quick, withLXCFS: withLxcfs, withAgent: !noAgent, seconds: seconds,
                rounds: rounds, scale: scale, creations: creations)
            if top {
                let workspace = try Workspace()
                defer { workspace.remove() }
                let figures = try TopCost.run(
                    workspace, size: quick ? min(topSize, 16) : topSize, refreshes: quick ? min(topRefreshes, 2) : topRefreshes)
                print(TopCost.render(figures))
                return
            }
            if hostile {
                print(try HostileClients.run(seconds: quick ? min(hostileSeconds, 3) : hostileSeconds))
                return
            }
            let report: Report
            if fleet {
                report = try BenchRun.density(plan: densityPlan())
            } else {
                report = try await BenchRun(plan: plan).run()
            }
            print(TablePrinter.render(report))
            if let json { try report.writeJSON(to: json) }
        } catch let error as BenchError {
            BenchRun.progress(error.description)
            throw ExitCode(1)
        }
    }
}

extension Bench {
    /// `16,256,4096` as sizes; nil unless every one is a positive number.
    static func sizes(_ text: String) -> [Int]? {
        let sizes = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !sizes.isEmpty, sizes.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
        return sizes.compactMap { $0 }
    }

    /// `--quick` keeps the fleets small (a check that everything runs, no meaningful figure).
    func densityPlan() -> Density.Plan {
        let mountSizes = Self.sizes(fleetSizes) ?? []
        let exportSizes = Self.sizes(exportSizes) ?? []
        func small(_ sizes: [Int]) -> [Int] { Array(Set(sizes.map { min($0, 24) })).sorted() }
        return Density.Plan(
            mountSizes: quick ? small(mountSizes) : mountSizes,
            exportSizes: quick ? small(exportSizes) : exportSizes,
            cycles: quick ? min(cycles, 2) : cycles, settle: quick ? 0.3 : 2,
            readBudget: quick ? .operations(100) : .seconds(seconds), readRounds: quick ? 1 : rounds,
            steadyScrapes: quick ? 1 : 3,
            grepped: 16, readIndex: 4000)
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
