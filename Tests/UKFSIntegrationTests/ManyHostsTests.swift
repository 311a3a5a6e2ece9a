import Foundation
import Testing

/// Issue 20: one Prometheus watching the unikernels of several hosts. Two hosts are two network
/// namespaces, each with its own registry, `ukfs sim --fleet` and `ukfs export --all` on its own
/// address with TLS and basic auth; Debian's Prometheus, in the test's namespace, scrapes both over
/// TLS with examples/prometheus-hosts (file_sd targets), and a PromQL query returns every instance
/// of both hosts, labelled with its host.
@Suite("Many hosts, one Prometheus")
struct ManyHostsTests {
    static let examples = Paths.packageRoot + "/examples/prometheus-hosts"
    static let fleet = 6

    @Test("Prometheus scrapes two hosts' exporters over TLS with basic auth; every instance of both, host-labelled")
    func twoHosts() throws {
        let scratch = try Instance(name: "unused")
        defer { scratch.stop() }
        let folder = scratch.folder
        // Subnets of our own for this run (10.198.X.0/24), one per host.
        let base = Int(getpid() % 120) * 2 + 2
        var hosts: [NetworkHost] = []
        defer { hosts.forEach { $0.remove() } }
        for index in 1...2 {
            hosts.append(try NetworkHost(name: "ukfs-h\(index)-\(getpid())", subnet: "10.198.\(base + index)", folder: folder))
        }
        // One CA; each host's certificate for its address.
        let tls = folder + "/tls"
        try FileManager.default.createDirectory(atPath: tls, withIntermediateDirectories: true)
        let certificates = try TestCertificates(folder: tls)
        var web = try String(contentsOfFile: Self.examples + "/web.yml", encoding: .utf8)
        #expect(web.contains("$2b$04$URiiwOegXt1jfdNDSiOEyuCcgSRHum3MigayxPxh6VUQSWP5Y9vSa"), "the example's hash is the tests' s3cret")

        var processes: [BackgroundProcess] = []
        defer { processes.forEach { $0.stop() } }
        for (index, host) in hosts.enumerated() {
            let issued = try certificates.issue("host\(index + 1)", ips: [host.address])
            web = try String(contentsOfFile: Self.examples + "/web.yml", encoding: .utf8)
                .replacingOccurrences(of: "/etc/ukfs/host.crt", with: issued.certificate)
                .replacingOccurrences(of: "/etc/ukfs/host.key", with: issued.key)
            let webPath = folder + "/web-host\(index + 1).yml"
            try web.write(toFile: webPath, atomically: true, encoding: .utf8)
            processes.append(
                try BackgroundProcess(
                    host.inside([Paths.ukfs, "sim", "--fleet", String(Self.fleet), "vm", "--log-level", "warning"]),
                    environment: host.environment, outputPath: folder + "/sim-host\(index + 1).out"))
            let export = try BackgroundProcess(
                host.inside([
                    Paths.ukfs, "export", "--all", "--listen", "\(host.address):9464", "--web.config.file", webPath,
                ]),
                environment: host.environment, outputPath: folder + "/export-host\(index + 1).out")
            processes.append(export)
            #expect(
                export.line(startingWith: "ukfs: exporting every registered instance at https://\(host.address):9464/metrics") != nil,
                "\(export.output)")
        }
        // From this side, as Prometheus will: over the veth, TLS and basic auth.
        let direct = Shell.run([
            "/usr/bin/curl", "-sf", "--cacert", certificates.caCertificate, "-u", "prometheus:s3cret",
            "https://\(hosts[0].address):9464/metrics",
        ])
        #expect(direct.status == 0 && direct.stdout.contains("ukfs_up{ukstore_instance=\"vm-1\"} 1"), "\(direct.stderr)")

        // Prometheus, with the example's config and targets pointed at the two hosts.
        try "s3cret".write(toFile: folder + "/password", atomically: true, encoding: .utf8)
        var targets = try String(contentsOfFile: Self.examples + "/targets.yml", encoding: .utf8)
        for (index, host) in hosts.enumerated() {
            targets = targets.replacingOccurrences(of: "host\(index + 1).example.net:9464", with: "\(host.address):9464")
        }
        try targets.write(toFile: folder + "/targets.yml", atomically: true, encoding: .utf8)
        var config = try String(contentsOfFile: Self.examples + "/prometheus.yml", encoding: .utf8)
        for (from, to) in [
            ("/etc/prometheus/ukfs/ca.crt", certificates.caCertificate), ("/etc/prometheus/ukfs/password", folder + "/password"),
            ("/etc/prometheus/ukfs/targets.yml", folder + "/targets.yml"), ("scrape_interval: 15s", "scrape_interval: 1s"),
            ("scrape_timeout: 10s", "scrape_timeout: 1s"),
        ] {
            #expect(config.contains(from), "examples/prometheus-hosts/prometheus.yml no longer has \(from)")
            config = config.replacingOccurrences(of: from, with: to)
        }
        try config.write(toFile: folder + "/prometheus.yml", atomically: true, encoding: .utf8)
        let check = Shell.run(["/usr/bin/promtool", "check", "config", folder + "/prometheus.yml"])
        #expect(check.status == 0, "\(check)")
        let port = try PrometheusTests.freePort()
        let prometheus = try BackgroundProcess(
            [
                "/usr/bin/prometheus", "--config.file=\(folder)/prometheus.yml", "--storage.tsdb.path=\(folder)/tsdb",
                "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn",
            ],
            environment: [:], outputPath: folder + "/prometheus.out")
        defer { prometheus.stop() }

        var up: [(labels: [String: String], value: Double)] = []
        let all = Shell.eventually(within: 90) {
            up = PrometheusTests.query(port, "ukfs_up == 1")
            return up.count == 2 * Self.fleet
        }
        #expect(all, "Prometheus stored \(up.count) of \(2 * Self.fleet) instances up: \(up.map(\.labels)) \(prometheus.output)")
        let seen = Set(
            up.compactMap { sample in sample.labels["host"].flatMap { host in sample.labels["ukstore_instance"].map { "\(host)/\($0)" } } })
        let expected = Set((1...2).flatMap { host in (1...Self.fleet).map { "host\(host)/vm-\($0)" } })
        #expect(seen == expected, "\(seen.sorted())")
        let perHost = PrometheusTests.query(port, "count by (host) (ukfs_up == 1)")
        #expect(
            Set(perHost.map { $0.labels["host"] ?? "" }) == ["host1", "host2"] && perHost.allSatisfy { $0.value == Double(Self.fleet) },
            "\(perHost)")
        // The guests' own series carry the host too.
        let memory = PrometheusTests.query(port, "ukstore_cur_mem_free_bytes{host=\"host2\"}")
        #expect(memory.count == Self.fleet && memory.allSatisfy { $0.value > 0 }, "\(memory)")
    }
}
