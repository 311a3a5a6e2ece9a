import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization
import UKBridge
import UKBridgeClient

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Serve instances' numeric entries as Prometheus metrics (GET /metrics).",
        discussion: """
            Every numeric entry becomes a sample ukstore_<entry>{ukstore_instance,library[,object]} (ukstore_instance, \
            not instance: Prometheus sets instance to the exporter's HOST:PORT). What only accumulates (bytes, packets, \
            errors, fifo overruns, drops, *_count, tot_*, nb_*, CPU times) is a counter named …_total; current values \
            and whatever is settable are gauges. Times are in seconds (*_ms, *_us, *_ns and CPU times converted), memory \
            figures end in _bytes. Each scrape reads each instance with one batched bridge request; ukfs_up and \
            ukfs_scrape_* tell how each instance fared, ukfs_build_info which ukfs answers. An instance is connected \
            when first scraped; each costs 4 descriptors, so (descriptor limit - 256) / 4 are followed \
            (ukfs_export_capacity) and the rest named in ukfs_export_refused.
            """)

    @Argument(
        help:
            "Instance names (the registry, then KraftKit) or addresses (unix:PATH or a path with a /, tcp:HOST:PORT, vsock:CID:PORT, fc-vsock:PATH:PORT).",
        completion: .custom(Completions.instances))
    var instances: [String] = []

    @Flag(help: "Export every instance in the registry, as they come and go.")
    var all = false

    @Option(help: "Where to serve: HOST:PORT or tcp:HOST:PORT (port 0: any free port).")
    var listen: String = "127.0.0.1:9464"

    @Option(help: "Seconds to wait for each answer of a guest.")
    var timeout: Double = 2

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .warning

    func validate() throws {
        guard all || !instances.isEmpty else { throw ValidationError("name the instances to export, or give --all") }
        guard !(all && !instances.isEmpty) else { throw ValidationError("give instance names or --all, not both") }
    }

    func run() async throws {
        try await reportingErrors {
            let (host, port) = try Self.listenAddress(listen)
            let logger = LoggingSetup.logger("ukfs.export", level: logLevel)
            let group = MultiThreadedEventLoopGroup(numberOfThreads: MountCommand.eventLoopThreads)
            let duration = Duration.milliseconds(Int64(max(timeout, 0.05) * 1000))
            let descriptors = min(DescriptorLimit.raiseToHard(), Int(Int32.max))
            let exporters = ExporterSet(group: group, timeout: duration, descriptors: descriptors, logger: logger)
            if !all {
                guard instances.count <= exporters.capacity else {
                    try? await group.shutdownGracefully()
                    throw CLIError(
                        "\(instances.count) instances are more than \(descriptors) descriptors allow (\(DescriptorBudget.perInstance) each, \(exporters.capacity) instances): raise ulimit -n"
                    )
                }
                for instance in instances {
                    let target = try ResolvedInstance(instance, registry: InstanceRegistry())
                    exporters.add(target)
                }
            }
            let all = self.all
            let server: Channel
            do {
                server = try await MetricsHTTPServer.start(host: host, port: port, group: group) {
                    await exporters.scrape(registry: all ? InstanceRegistry() : nil)
                }
            } catch {
                try? await group.shutdownGracefully()
                let reason = (error as? IOError).map { String(cString: strerror($0.errnoCode)).lowercased() } ?? "\(error)"
                throw CLIError("cannot listen on \(listen): \(reason) — choose another port (--listen HOST:PORT)")
            }
            let bound = server.localAddress?.port ?? port
            let what = all ? "every registered instance" : instances.joined(separator: ", ")
            Console.say("ukfs: exporting \(what) at http://\(host.contains(":") ? "[\(host)]" : host):\(bound)/metrics (Ctrl-C to stop)")
            // Sockets only: the kernel releases them when a signal ends the process.
            await Termination.serveForever()
        }
    }

    static func listenAddress(_ text: String) throws -> (String, Int) {
        let withScheme = text.hasPrefix("tcp:") ? text : "tcp:" + text
        guard case .success(.tcp(let host, let port)?) = BridgeAddress.parse(withScheme) else {
            throw CLIError("--listen \(text): give HOST:PORT, e.g. 127.0.0.1:9464 or 0.0.0.0:9464")
        }
        return (host, port)
    }
}

/// The instances being exported: fixed, or (with --all) the registry's, re-read on each scrape.
/// Nothing is connected before the first scrape; instances past what the descriptors allow are
/// not followed, and each scrape says which (`ukfs_export_refused`) and how many fit.
final class ExporterSet: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let timeout: Duration
    private let logger: Logger
    private let descriptors: Int
    let capacity: Int
    private let exporters = Mutex<[String: InstanceExporter]>([:])
    /// Registered instances left out, sorted; logged when the set first becomes non-empty.
    private let refused = Mutex<[String]>([])

    init(group: MultiThreadedEventLoopGroup, timeout: Duration, descriptors: Int, logger: Logger) {
        self.group = group
        self.timeout = timeout
        self.logger = logger
        self.descriptors = descriptors
        self.capacity = DescriptorBudget.instances(limit: descriptors)
    }

    func add(_ target: ResolvedInstance) {
        let exporter = InstanceExporter(name: target.name, line: target.line, group: group, timeout: timeout, logger: logger)
        exporters.withLock { $0[target.name] = exporter }
    }

    /// Instances scraped at once.
    static let inFlight = 128

    /// One scrape of every instance, concurrently; with a registry, instances that registered are
    /// added and those gone are dropped first.
    func scrape(registry: InstanceRegistry?) async -> String {
        if let registry { await sync(with: registry) }
        let current = exporters.withLock { $0.sorted { $0.key < $1.key }.map(\.value) }
        let parts = await withTaskGroup(of: (Int, [MetricsText.Sample]).self) { tasks in
            // A window, not every instance at once: thousands of first scrapes (connect, list)
            // started together queue their requests behind each other past their deadlines
            // (4,096 at once: 500 instances down, 9 s scrapes on a loaded machine).
            var next = 0
            func startNext() {
                guard next < current.count else { return }
                let (index, exporter) = (next, current[next])
                next += 1
                tasks.addTask { (index, await exporter.scrape()) }
            }
            for _ in 0..<min(Self.inFlight, current.count) { startNext() }
            var parts = [[MetricsText.Sample]](repeating: [], count: current.count)
            for await (index, samples) in tasks {
                parts[index] = samples
                startNext()
            }
            return parts
        }
        let info = MetricsText.buildInfo(version: Ukfs.version, protocolVersion: ProtocolLimits.version)
        return MetricsText.render([[info, capacitySample()]] + parts + [refusedSamples()])
    }

    private func capacitySample() -> MetricsText.Sample {
        MetricsText.Sample(
            name: "ukfs_export_capacity", kind: .gauge,
            help: "instances this exporter can follow: (descriptor limit - \(DescriptorBudget.reserved)) / \(DescriptorBudget.perInstance)",
            labels: [("descriptors", String(descriptors))], value: String(capacity))
    }

    private func refusedSamples() -> [MetricsText.Sample] {
        let reason = "descriptors"
        return refused.withLock { $0 }.map { name in
            MetricsText.Sample(
                name: "ukfs_export_refused", kind: .gauge,
                help: "1 for a registered instance not exported, and why (see ukfs_export_capacity)",
                labels: [(MetricsText.instanceLabel, name), ("reason", reason)], value: "1")
        }
    }

    private func sync(with registry: InstanceRegistry) async {
        let names = Set(registry.registeredNames())
        let gone = exporters.withLock { exporters -> [InstanceExporter] in
            let gone = exporters.filter { !names.contains($0.key) }
            for name in gone.keys { exporters.removeValue(forKey: name) }
            return Array(gone.values)
        }
        for exporter in gone { await exporter.close() }
        let known = exporters.withLock { Set($0.keys) }
        // Instances already followed keep their place; new ones fill what is left, in name order.
        let room = max(0, capacity - known.count)
        let new = names.subtracting(known).sorted()
        for name in new.prefix(room) {
            add(ResolvedInstance(name: name, address: .unix(path: registry.socketPath(for: name)), share: registry.share(for: name)))
        }
        let left = Array(new.dropFirst(room))
        let first = refused.withLock { refused -> Bool in
            defer { refused = left }
            return refused.isEmpty && !left.isEmpty
        }
        if first {
            logger.warning("\(left.count) registered instances not exported: \(DescriptorBudget.reason(limit: descriptors))")
        }
    }
}
