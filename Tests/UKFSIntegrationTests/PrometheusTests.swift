import Foundation
import Testing

/// A real Prometheus (Debian's `prometheus`) scraping `ukfs export` with the shipped
/// examples/prometheus.yml, on loopback, with a private config and data folder: what it stores is
/// what a user queries.
@Suite("Prometheus scraping ukfs export")
struct PrometheusTests {
    /// A free TCP port on loopback: bound, read back, released (Prometheus cannot report a port 0).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FixtureError("socket: \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw FixtureError("bind: \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// The example config, pointed at the test's exporter and scraping every second.
    static func config(exporter: String) throws -> String {
        var text = try String(contentsOfFile: Paths.packageRoot + "/examples/prometheus.yml", encoding: .utf8)
        for (from, to) in [
            ("127.0.0.1:9464", exporter), ("scrape_interval: 15s", "scrape_interval: 1s"),
            ("scrape_timeout: 10s", "scrape_timeout: 1s"),
        ] {
            guard text.contains(from) else { throw FixtureError("examples/prometheus.yml no longer has '\(from)'") }
            text = text.replacingOccurrences(of: from, with: to)
        }
        return text
    }

    /// The result vector of an instant query through Prometheus's HTTP API: each sample's labels and value.
    static func query(_ port: Int, _ expression: String) -> [(labels: [String: String], value: Double)] {
        let encoded = expression.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? expression
        let answer = Shell.run(["/usr/bin/curl", "-sf", "http://127.0.0.1:\(port)/api/v1/query?query=\(encoded)"])
        guard answer.status == 0,
            let json = try? JSONSerialization.jsonObject(with: Data(answer.stdout.utf8)) as? [String: Any],
            let data = json["data"] as? [String: Any], let result = data["result"] as? [[String: Any]]
        else { return [] }
        return result.compactMap { sample in
            guard let labels = sample["metric"] as? [String: String], let pair = sample["value"] as? [Any],
                pair.count == 2, let text = pair[1] as? String, let value = Double(text)
            else { return nil }
            return (labels, value)
        }
    }

    /// The metric type Prometheus learned from the exposition's TYPE line.
    static func type(_ port: Int, _ metric: String) -> String? {
        let answer = Shell.run(["/usr/bin/curl", "-sf", "http://127.0.0.1:\(port)/api/v1/metadata?metric=\(metric)"])
        guard let json = try? JSONSerialization.jsonObject(with: Data(answer.stdout.utf8)) as? [String: Any],
            let data = json["data"] as? [String: Any], let entries = data[metric] as? [[String: Any]]
        else { return nil }
        return entries.first?["type"] as? String
    }

    @Test("Prometheus stores ukstore_rx_bytes_total{ukstore_instance=\"vm1\",…}, no exported_ label; counters, seconds")
    func scrapedByPrometheus() throws {
        let guest = try Instance()
        defer { guest.stop() }
        try guest.startGuest()
        let (export, url) = try ExportTests.export(guest, ["vm1"])
        defer { export.stop() }
        // http://127.0.0.1:PORT/metrics → 127.0.0.1:PORT
        let exporter = String(url.dropFirst("http://".count).prefix { $0 != "/" })
        let configPath = guest.folder + "/prometheus.yml"
        try Self.config(exporter: exporter).write(toFile: configPath, atomically: true, encoding: .utf8)
        let port = try Self.freePort()
        let prometheus = try BackgroundProcess(
            [
                "/usr/bin/prometheus", "--config.file=\(configPath)", "--storage.tsdb.path=\(guest.folder)/tsdb",
                "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn",
            ],
            environment: [:], outputPath: guest.folder + "/prometheus.out")
        defer { prometheus.stop() }

        // Start-up plus the first 1 s scrape; the bound is generous for a busy 2-core machine.
        var samples: [(labels: [String: String], value: Double)] = []
        let stored = Shell.eventually(within: 90) {
            samples = Self.query(port, "ukstore_rx_bytes_total")
            return !samples.isEmpty
        }
        #expect(stored, "Prometheus never stored ukstore_rx_bytes_total: \(prometheus.output)")
        guard let sample = samples.first else { return }
        #expect(samples.count == 1, "\(samples)")
        #expect(
            sample.labels == [
                "__name__": "ukstore_rx_bytes_total", "ukstore_instance": "vm1", "instance": exporter,
                "job": "unikraft", "site": "lab", "library": "libuknetdev", "object": "netdev0", "device": "eth0",
            ],
            "\(sample.labels)")
        #expect(!sample.labels.keys.contains { $0.hasPrefix("exported_") })
        // The value is the guest's: it rises, and the exporter's own figure now is at least it.
        let now = ExportTests.value(
            ExportTests.scrape(url),
            "ukstore_rx_bytes_total{ukstore_instance=\"vm1\",library=\"libuknetdev\",object=\"netdev0\",device=\"eth0\"}")
        #expect(sample.value > 0 && now.map { $0 >= sample.value } == true, "\(sample.value) then \(String(describing: now))")

        #expect(Self.type(port, "ukstore_rx_errors_total") == "counter")
        #expect(Self.type(port, "ukstore_cpu_time_seconds_total") == "counter")
        #expect(Self.type(port, "ukstore_cur_mem_free_bytes") == "gauge")
        // CPU time is in seconds: no more than the guest's uptime (in seconds too) per CPU.
        let ratio = Self.query(port, "ukstore_cpu_time_seconds_total{object=\"cpu0\"} / ignoring(library, object) ukstore_uptime_seconds")
        #expect(ratio.count == 1 && ratio.allSatisfy { $0.value > 0 && $0.value < 2 }, "\(ratio)")
        #expect(Self.query(port, "ukfs_build_info").first?.labels["version"] == "0.1.0")
        #expect(Self.query(port, "ukfs_up{ukstore_instance=\"vm1\"}").first?.value == 1)
    }
}
