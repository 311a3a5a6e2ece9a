import Foundation
import Testing

/// `ukfs export --all` over a fleet: past the 256 a mount once allowed, no connection before the
/// first scrape, and the descriptor bound reported in the scrape rather than hit.
@Suite("Prometheus export of a fleet", .serialized)
struct ExportFleetTests {
    /// `ukfs_up{ukstore_instance="NAME"}` of every instance in a scrape.
    static func up(_ text: String) -> [String: Double] {
        var found: [String: Double] = [:]
        let prefix = "ukfs_up{ukstore_instance=\""
        for line in text.split(separator: "\n") where line.hasPrefix(prefix) {
            let rest = line.dropFirst(prefix.count)
            guard let quote = rest.firstIndex(of: "\""), let value = Double(rest.split(separator: " ").last ?? "") else { continue }
            found[String(rest[..<quote])] = value
        }
        return found
    }

    @Test("300 instances in one scrape, each with its own ukstore_instance; none is connected before the first scrape")
    func overTwoHundredFiftySix() throws {
        let instance = try Instance(name: "unused")
        defer { instance.stop() }
        let fleet = try SimulatedFleet(300, registry: instance.registry, environment: instance.environment)
        defer { fleet.stop() }
        let (export, url) = try ExportTests.export(instance, ["--all"])
        defer { export.stop() }
        // Until scraped, the exporter has no line of any instance (each held line has a lock).
        let locks = ((try? FileManager.default.contentsOfDirectory(atPath: instance.registry)) ?? []).filter { $0.hasSuffix(".lock") }
        #expect(locks.isEmpty, "\(locks.count) lines taken before any scrape")
        let text = ExportTests.scrape(url)
        let up = Self.up(text)
        #expect(up.count == 300 && up.values.allSatisfy { $0 == 1 }, "\(up.count) instances, \(up.values.filter { $0 != 1 }.count) down")
        #expect(Set(up.keys) == Set((1...300).map { "vm-\($0)" }))
        // Each instance's entries carry its label.
        for name in ["vm-1", "vm-150", "vm-300"] {
            #expect(
                text.contains(
                    "ukstore_rx_bytes_total{ukstore_instance=\"\(name)\",library=\"libuknetdev\",object=\"netdev0\",device=\"eth0\"} "),
                "\(name)"
            )
        }
        #expect(ExportTests.value(text, "ukfs_export_capacity") ?? 0 >= 300)
        #expect(ExportTests.value(text, "ukfs_export_descriptor_limit") == Double(Self.descriptors(export.pid)))
        #expect(!text.contains("ukfs_export_refused{"))
        let file = instance.folder + "/fleet-metrics.txt"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let promtool = Shell.run("promtool check metrics < '\(file)'")
        #expect(promtool.status == 0, "\(promtool.stdout.prefix(2000)) \(promtool.stderr.prefix(2000))")
    }

    @Test("instances past the descriptor limit are reported in the scrape and the log, not connected; the rest are exported")
    func descriptorLimit() throws {
        let instance = try Instance(name: "unused")
        defer { instance.stop() }
        let fleet = try SimulatedFleet(300, registry: instance.registry, environment: instance.environment)
        defer { fleet.stop() }
        // 600 descriptors: (600 - 256) / 4 = 86 instances.
        let export = try BackgroundProcess(
            ["/bin/sh", "-c", "ulimit -n 600 && exec '\(Paths.ukfs)' export --all --listen 127.0.0.1:0"],
            environment: instance.environment, outputPath: instance.folder + "/export.out")
        defer { export.stop() }
        guard let rest = export.line(startingWith: "ukfs: exporting "),
            let url = rest.split(separator: " ").first(where: { $0.hasPrefix("http://") })
        else {
            throw FixtureError("ukfs export did not say where it listens: \(export.output)")
        }
        let text = ExportTests.scrape(String(url))
        #expect(ExportTests.value(text, "ukfs_export_capacity") == 86, "\(text.prefix(1000))")
        #expect(ExportTests.value(text, "ukfs_export_descriptor_limit") == 600)
        #expect(Self.up(text).count == 86 && Self.up(text).values.allSatisfy { $0 == 1 })
        let refused = text.split(separator: "\n").filter { $0.hasPrefix("ukfs_export_refused{") }
        #expect(refused.count == 214 && refused.allSatisfy { $0.hasSuffix(",reason=\"descriptors\"} 1") }, "\(refused.prefix(3))")
        #expect(
            Shell.eventually(within: 5) {
                export.output.contains(
                    "214 registered instances not exported: over the 86 instances 600 descriptors allow (4 each): raise ulimit -n")
            }, "\(export.output)")
        // A second scrape: the same instances, still alive.
        #expect(Self.up(ExportTests.scrape(String(url))).count == 86)
    }

    /// The soft descriptor limit of a process.
    static func descriptors(_ pid: pid_t) -> Int {
        let limits = (try? String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8)) ?? ""
        let line = limits.split(separator: "\n").first { $0.hasPrefix("Max open files") } ?? ""
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst(3).first ?? "") ?? 0
    }
}
