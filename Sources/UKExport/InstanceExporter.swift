import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization
import UKBridge
import UKBridgeClient
import UKGuestTree

/// One instance behind the exporter: a connection kept open between scrapes, the tree listed once
/// and again only after the guest says objects came or went, and one batched GET per scrape.
actor InstanceExporter {
    let name: String
    let line: LineTarget
    var address: BridgeAddress { line.address }
    private let group: MultiThreadedEventLoopGroup
    private let timeout: Duration
    private let logger: Logger
    private var tree: GuestTree?
    /// The numeric entries, each with its series prepared when the tree was listed.
    private var entries: (entries: [TreeEntry], series: [MetricsText.PreparedEntry])?
    private let ownSeries: OwnSeries
    /// Set from the event loop when the guest reports an object event.
    private let treeChanged = ChangeFlag()

    init(name: String, line: LineTarget, group: MultiThreadedEventLoopGroup, timeout: Duration, logger: Logger) {
        self.name = name
        self.ownSeries = OwnSeries(instance: name)
        self.line = line
        self.group = group
        self.timeout = timeout
        self.logger = logger
    }

    /// The samples of one scrape, and what it cost on the bridge.
    func scrape() async -> [MetricsText.Sample] {
        let started = ContinuousClock.now
        var samples: [MetricsText.Sample] = []
        var up = 0
        var cost = TrafficCounter.Totals()
        if let tree = await connectedTree() {
            let before = tree.connection.traffic.current
            if let listed = await currentEntries(tree) {
                let values = await tree.read(listed.entries)
                samples.reserveCapacity(values.count + 6)
                for (prepared, result) in zip(listed.series, values) {
                    if case .value(let value) = result, let sample = prepared.sample(value) { samples.append(sample) }
                }
                up = 1
            }
            cost = tree.connection.traffic.current - before
        }
        let seconds = Double(TimeAmount(ContinuousClock.now - started).nanoseconds) / 1e9
        let own = ownSeries
        samples.append(.init(family: Self.upFamily, series: own.up, value: String(up)))
        samples.append(.init(family: Self.samplesFamily, series: own.samples, value: String(samples.count - 1)))
        samples.append(.init(family: Self.requestsFamily, series: own.requests, value: String(cost.writes)))
        samples.append(.init(family: Self.bytesFamily, series: own.sent, value: String(cost.bytesSent)))
        samples.append(.init(family: Self.bytesFamily, series: own.received, value: String(cost.bytesReceived)))
        samples.append(.init(family: Self.durationFamily, series: own.duration, value: String(format: "%.6f", seconds)))
        return samples
    }

    static let upFamily = MetricsText.Family(name: "ukfs_up", kind: .gauge, help: "1 when the instance answered this scrape")
    static let samplesFamily = MetricsText.Family(
        name: "ukfs_scrape_samples", kind: .gauge,
        help: "ukstore samples this scrape exported")
    static let requestsFamily = MetricsText.Family(
        name: "ukfs_scrape_bridge_requests", kind: .gauge,
        help: "bridge requests this scrape sent")
    static let bytesFamily = MetricsText.Family(
        name: "ukfs_scrape_bridge_bytes", kind: .gauge,
        help: "bridge bytes this scrape exchanged")
    static let durationFamily = MetricsText.Family(
        name: "ukfs_scrape_duration_seconds", kind: .gauge,
        help: "time this instance's part of the scrape took")

    /// The exporter's own series for this instance, labelled once.
    private struct OwnSeries {
        let up, samples, requests, sent, received, duration: String

        init(instance: String) {
            let labels = [(MetricsText.instanceLabel, instance)]
            up = MetricsText.series(InstanceExporter.upFamily.name, labels)
            samples = MetricsText.series(InstanceExporter.samplesFamily.name, labels)
            requests = MetricsText.series(InstanceExporter.requestsFamily.name, labels)
            sent = MetricsText.series(InstanceExporter.bytesFamily.name, labels + [("direction", "sent")])
            received = MetricsText.series(InstanceExporter.bytesFamily.name, labels + [("direction", "received")])
            duration = MetricsText.series(InstanceExporter.durationFamily.name, labels)
        }
    }

    private func connectedTree() async -> GuestTree? {
        if let tree, tree.connection.isActive { return tree }
        tree = nil
        entries = nil
        do {
            let changed = treeChanged
            // The exporter holds the line and shares it, or reads through the holder's share.
            let connection = try await LineConnector.connect(
                line, role: .holder, group: group, timeout: timeout, logger: logger,
                onEvent: { _ in changed.raise() }
            ).connection
            _ = await connection.send(.watch(flags: 1), timeout: timeout)
            let fresh = GuestTree(connection: connection, timeout: timeout)
            tree = fresh
            return fresh
        } catch {
            logger.warning("instance \(name) at \(address): \(error)")
            return nil
        }
    }

    /// The entries to read: listed on the first scrape, and again after an object event.
    private func currentEntries(_ tree: GuestTree) async -> (entries: [TreeEntry], series: [MetricsText.PreparedEntry])? {
        if treeChanged.take() {
            entries = nil
            await tree.forget()
        }
        if let entries { return entries }
        do {
            var numeric: (entries: [TreeEntry], series: [MetricsText.PreparedEntry]) = ([], [])
            var labels = MetricsText.LabelTexts(instance: name)
            for entry in try await tree.entries() {
                guard let series = MetricsText.prepare(entry, labels: &labels) else { continue }
                numeric.entries.append(entry)
                numeric.series.append(series)
            }
            entries = numeric
            return numeric
        } catch {
            logger.warning("instance \(name): cannot list the tree: \(error)")
            return nil
        }
    }

    func close() {
        tree?.connection.close()
        tree = nil
    }
}
