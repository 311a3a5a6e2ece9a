import Testing
import UKBridge
import UKBridgeClient

@testable import UKExport

/// node_exporter's conventions in the exporter's text: NICs as `device="eth0"`, the agent's own
/// rising figures as counters, no number in a label, and the `process_*` series.
@Suite("Exporter conventions")
struct ExportConventionsTests {
    @Test("a NIC's series carries device=\"ethN\", the name users know; other objects do not")
    func deviceLabel() {
        #expect(MetricsText.device(library: Array("libuknetdev".utf8), object: Array("netdev3".utf8)) == "eth3")
        #expect(MetricsText.device(library: Array("libuksched".utf8), object: Array("cpu0".utf8)) == nil)
        #expect(MetricsText.device(library: Array("libuknetdev".utf8), object: Array("netdevx".utf8)) == nil)
    }

    @Test("the guest agent's rising figures are counters, its object count a gauge")
    func agentCounters() {
        for entry in ["frames", "discarded", "timeouts", "malformed", "table_full", "events_dropped", "names_skipped", "orphans"] {
            let family = MetricNaming.family(ofEntry: entry, settable: false)
            #expect(family.kind == .counter && family.name == "ukstore_\(entry)_total", "\(entry): \(family)")
        }
        #expect(MetricNaming.family(ofEntry: "objects", settable: false).kind == .gauge)
    }

    @Test("process_* series: CPU seconds, memory, descriptors, start time, with no label")
    func processSeries() {
        let samples = ProcessMetrics.samples()
        let byName = Dictionary(samples.map { ($0.family.name, $0) }, uniquingKeysWith: { first, _ in first })
        for name in [
            "process_cpu_seconds_total", "process_resident_memory_bytes", "process_virtual_memory_bytes",
            "process_open_fds", "process_max_fds", "process_start_time_seconds",
        ] {
            #expect(byName[name]?.series == name, "\(name)")
        }
        #expect(byName["process_cpu_seconds_total"]?.family.kind == .counter)
        let resident = byName["process_resident_memory_bytes"].flatMap { Double($0.value) } ?? 0
        #expect(resident > 1_000_000, "a Swift process holds more than 1 MB: \(resident)")
        let start = byName["process_start_time_seconds"].flatMap { Double($0.value) } ?? 0
        #expect(start > 1_700_000_000, "seconds since the epoch: \(start)")
    }
}
