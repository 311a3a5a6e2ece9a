import Testing

@testable import UKExport

@Suite("Prometheus names for ukstore entries")
struct MetricNamingTests {
    private func family(_ entry: String, settable: Bool = false) -> MetricNaming.Family {
        MetricNaming.family(ofEntry: entry, settable: settable)
    }

    @Test("what only accumulates is a counter ending in _total")
    func counters() {
        #expect(family("rx_bytes") == .init(name: "ukstore_rx_bytes_total", kind: .counter, divisor: nil, entryUnit: nil))
        #expect(family("tot_nb_allocs").kind == .counter)
        #expect(family("nb_enomem").name == "ukstore_nb_enomem_total")
        #expect(family("idle_count").name == "ukstore_idle_count_total")
    }

    @Test("current and extreme values, and anything settable, are gauges")
    func gauges() {
        #expect(family("cur_mem_free") == .init(name: "ukstore_cur_mem_free_bytes", kind: .gauge, divisor: nil, entryUnit: nil))
        #expect(family("max_rx_bytes").kind == .gauge)
        #expect(family("rx_bytes", settable: true).kind == .gauge)
        #expect(family("console_lvl").kind == .gauge)
    }

    @Test("a gauge never takes a counter's suffix")
    func gaugeSuffixes() {
        #expect(family("netdev_count", settable: true).name == "ukstore_netdevs")
        #expect(family("pkt_total", settable: true).name == "ukstore_pkt_total_value")
    }

    @Test("time units become seconds: from the name's suffix, or uksched's known nanoseconds")
    func seconds() {
        #expect(family("wait_ns") == .init(name: "ukstore_wait_seconds", kind: .gauge, divisor: 1e9, entryUnit: "nanoseconds"))
        #expect(family("lat_ms").divisor == 1e3)
        #expect(
            family("cpu_time_total")
                == .init(name: "ukstore_cpu_time_seconds_total", kind: .counter, divisor: 1e9, entryUnit: "nanoseconds"))
        #expect(family("cpu_time_idle").name == "ukstore_cpu_idle_seconds_total")
    }

    @Test("what a Prometheus name cannot hold becomes _")
    func sanitizing() {
        #expect(MetricNaming.sanitized("rx-bytes.eth0") == "rx_bytes_eth0")
        #expect(MetricNaming.sanitized("né") == "n_")
        #expect(MetricNaming.sanitized("a b") == "a_b")
    }
}
