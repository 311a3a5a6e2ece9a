import ArgumentParser
import Foundation
import Logging
import NIOPosix
import UKBridgeClient
import UKTop

struct TopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "top",
        abstract: "Every running instance at a glance, live: state, uptime, CPU %, memory, network rx/tx per second.",
        discussion: """
            A full-screen view, refreshed every -d seconds, with a row per instance of the registry (or per instance \
            named). CPU % is the rise of libuksched's cpu_time_total minus cpu_time_idle over the interval, summed over \
            CPUs (100: one CPU busy); memory is libukalloc's cur_mem_use of cur_mem_use + cur_mem_free, else \
            libukfalloc's; rx/tx are libuknetdev's byte counters per second, summed over NICs; uptime is an uptime_ms \
            entry where the guest has one. A figure the guest lacks is -, never 0; a rate before its second reading is ..

            Keys: c CPU, m memory, n network, i name, u uptime, s state (again: reverse), < and > the sort column, \
            R reverse; Enter one instance's detail (every library and object, values, counters per second; Esc or q \
            back); / filter by name (Enter keeps it, Esc clears it); h help; arrows, PgUp, PgDn, Home, End move; q quits.

            With -b, --json, or when stdout or stdin is not a terminal, it prints plain frames instead (no escape \
            sequence): -b as top -b does, --json one JSON object per refresh on a line; -n stops after that many.

            Each refresh sends each instance one batched GET. An instance's line is reached as export reaches it: \
            through the share of a mount or exporter that holds it, else held and shared by top itself, so mounts and \
            commands keep working beside it. Instances hidden by the filter are not read and their connections close \
            after --idle seconds.
            """)

    @Argument(
        help:
            "Instance names (the registry, then KraftKit) or addresses (unix:PATH or a path with a /, tcp:HOST:PORT, vsock:CID:PORT, fc-vsock:PATH:PORT); none: every registered instance, as they come and go.",
        completion: .custom(Completions.instances))
    var instances: [String] = []

    @Option(name: [.customShort("d"), .customLong("delay")], help: "Seconds between refreshes.")
    var delay: Double = 1

    @Flag(name: [.customShort("b"), .customLong("batch")], help: "Print plain text frames, as top -b, instead of the full screen.")
    var batch = false

    @Option(name: [.customShort("n"), .customLong("iterations")], help: "Stop after this many refreshes.")
    var iterations: Int?

    @Flag(help: "Print one JSON object per refresh, on a line (implies -b).")
    var json = false

    @Option(help: "The first sort: name, uptime, cpu, memory, memory-total, memory-percent, network or state.")
    var sort: SortKey = .cpu

    @Option(help: "Seconds to wait for each answer of a guest.")
    var timeout: Double = 2

    @Option(help: "Seconds after which an instance not shown closes its connection.")
    var idle: Double = 60

    @Option(help: "trace, debug, info, notice, warning, error or critical (the full screen logs nothing).")
    var logLevel: Logger.Level = .error

    func validate() throws {
        guard delay >= 0.1 && delay <= 3600 else { throw ValidationError("-d must be between 0.1 and 3600 seconds") }
        if let iterations, iterations < 1 { throw ValidationError("-n must be at least 1") }
        guard timeout > 0 else { throw ValidationError("--timeout must be above 0 seconds") }
        guard idle >= 0 else { throw ValidationError("--idle must be 0 or more seconds") }
    }

    func run() async throws {
        try await reportingErrors {
            var targets: [TopTarget]?
            if !instances.isEmpty {
                let registry = InstanceRegistry()
                targets = try instances.map { instance in
                    let resolved = try ResolvedInstance(instance, registry: registry)
                    return TopTarget(name: resolved.name, line: resolved.line)
                }
            }
            let fullScreen = !(batch || json) && isatty(STDOUT_FILENO) == 1 && isatty(STDIN_FILENO) == 1
            let logger = LoggingSetup.logger("ukfs.top", level: fullScreen ? .critical : logLevel)
            let group = MultiThreadedEventLoopGroup(numberOfThreads: MountCommand.eventLoopThreads)
            let source = TopSource(
                targets: targets, registry: targets == nil ? InstanceRegistry() : nil, group: group,
                timeout: .milliseconds(Int64(timeout * 1000)), idleSeconds: idle,
                descriptors: min(DescriptorLimit.raiseToHard(), Int(Int32.max)), logger: logger)
            let order = RowOrder(key: sort)
            do {
                if fullScreen {
                    try await TopInteractive(source: source, interval: delay, order: order, iterations: iterations).run()
                } else {
                    await TopBatch(source: source, interval: delay, order: order, iterations: iterations, json: json).run()
                }
            } catch {
                await source.close()
                try? await group.shutdownGracefully()
                throw error
            }
            await source.close()
            try? await group.shutdownGracefully()
        }
    }
}

extension SortKey: ExpressibleByArgument {}
