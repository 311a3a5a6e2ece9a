import Logging
import NIOPosix
import Synchronization
import UKBridge
import UKBridgeClient

/// The instances being exported: fixed, or (with --all) the registry's, re-read on each scrape.
/// Nothing is connected before the first scrape; instances past what the descriptors allow are
/// not followed, and each scrape says which (`ukfs_export_refused`) and how many fit.
public final class ExporterSet: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let timeout: Duration
    private let logger: Logger
    private let descriptors: Int
    /// How many instances the descriptors allow.
    public let capacity: Int
    private let version: String
    private let exporters = Mutex<[String: InstanceExporter]>([:])
    /// Registered instances left out, sorted; logged when the set first becomes non-empty.
    private let refused = Mutex<[String]>([])

    /// `version` is the ukfs version `ukfs_build_info` names.
    public init(group: MultiThreadedEventLoopGroup, timeout: Duration, descriptors: Int, version: String, logger: Logger) {
        self.group = group
        self.version = version
        self.timeout = timeout
        self.logger = logger
        self.descriptors = descriptors
        self.capacity = DescriptorBudget.instances(limit: descriptors)
    }

    /// Follows the instance `name`, reached through `line`, from the next scrape on.
    public func add(name: String, line: LineTarget) {
        let exporter = InstanceExporter(name: name, line: line, group: group, timeout: timeout, logger: logger)
        exporters.withLock { $0[name] = exporter }
    }

    /// Instances scraped at once.
    static let inFlight = 128

    /// One scrape of every instance, concurrently; with a registry, instances that registered are
    /// added and those gone are dropped first.
    public func scrape(registry: InstanceRegistry?) async -> String {
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
        let info = MetricsText.buildInfo(version: version, protocolVersion: ProtocolLimits.version)
        return MetricsText.render([[info] + capacitySamples()] + parts + [refusedSamples(), ProcessMetrics.samples()])
    }

    private func capacitySamples() -> [MetricsText.Sample] {
        [
            MetricsText.Sample(
                name: "ukfs_export_capacity", kind: .gauge,
                help:
                    "instances this exporter can follow: (ukfs_export_descriptor_limit - \(DescriptorBudget.reserved)) / \(DescriptorBudget.perInstance)",
                labels: [], value: String(capacity)),
            MetricsText.Sample(
                name: "ukfs_export_descriptor_limit", kind: .gauge,
                help: "the descriptor limit (RLIMIT_NOFILE) ukfs_export_capacity is computed from",
                labels: [], value: String(descriptors)),
        ]
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
            add(name: name, line: LineTarget(address: .unix(path: registry.socketPath(for: name)), share: registry.share(for: name)))
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
