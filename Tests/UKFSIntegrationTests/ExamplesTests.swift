import Foundation
import Testing

/// Every file in examples/ is run, or checked by the tool that will read it.
@Suite("Examples")
struct ExamplesTests {
    static let examples = Paths.packageRoot + "/examples"

    @Test("the monitor prints the rx rate and alerts when free memory is under the threshold")
    func monitor() throws {
        let guest = try Instance()
        defer { guest.stop() }
        try guest.startGuest()
        let environment = ["UKFS": Paths.ukfs]
        let alerting = guest.sh("UKFS='\(Paths.ukfs)' '\(Self.examples)/ukstore-monitor.sh' vm1 eth0 999999999999 0.2 2", timeout: 30)
        #expect(alerting.status == 0, "\(alerting)")
        let lines = alerting.stdout.split(separator: "\n")
        let rates = lines.filter { $0.hasPrefix("rx ") }
        #expect(rates.count == 2 && rates.allSatisfy { (Int($0.split(separator: " ")[1]) ?? 0) > 0 }, "\(alerting)")
        #expect(lines.filter { $0.hasPrefix("ALERT vm1: cur_mem_free ") }.count == 2, "\(alerting)")
        let calm = Shell.run(["\(Self.examples)/ukstore-monitor.sh", "vm1", "eth0", "0", "0.2", "1"],
                             environment: guest.environment.merging(environment) { $1 }, timeout: 30)
        #expect(calm.status == 0 && !calm.stdout.contains("ALERT") && calm.stdout.hasPrefix("rx "), "\(calm)")
        let missing = Shell.run(["\(Self.examples)/ukstore-monitor.sh", "vm1", "eth7"],
                                environment: guest.environment.merging(environment) { $1 }, timeout: 30)
        #expect(missing.status == 2 && missing.stderr.contains("net/eth7/rx_bytes: No such file or directory"), "\(missing)")
    }

    @Test("promtool accepts the Prometheus scrape config")
    func prometheusConfig() {
        let result = Shell.run(["/usr/bin/promtool", "check", "config", Self.examples + "/prometheus.yml"])
        #expect(result.status == 0, "\(result)")
    }

    @Test("the systemd unit verifies, and its ExecStart mounts and SIGTERM unmounts")
    func systemdUnit() throws {
        let guest = try Instance()
        defer { guest.stop() }
        try guest.startGuest()
        let unit = try String(contentsOfFile: Self.examples + "/ukfs-mount@.service", encoding: .utf8)
        // As installed: ukfs where the unit expects it (here, the one under test), instance vm1.
        let installed = unit.replacingOccurrences(of: "/usr/local/bin/ukfs", with: Paths.ukfs)
        let unitPath = guest.folder + "/ukfs-mount@vm1.service"
        try installed.write(toFile: unitPath, atomically: true, encoding: .utf8)
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze") {
            let verify = Shell.run(["/usr/bin/systemd-analyze", "verify", unitPath])
            #expect(verify.status == 0, "\(verify)")
        }
        let execStart = try #require(unit.split(separator: "\n").first { $0.hasPrefix("ExecStart=") })
        let command = execStart.dropFirst("ExecStart=".count)
            .replacingOccurrences(of: "/usr/local/bin/ukfs", with: Paths.ukfs)
            .replacingOccurrences(of: "/mnt/uk/%i", with: guest.mountpoint)
            .replacingOccurrences(of: "%i", with: "vm1")
        let service = try BackgroundProcess(["/bin/bash", "-c", "exec " + command], environment: guest.environment,
                                            outputPath: guest.folder + "/unit.out")
        #expect(Shell.eventually(within: 10) { guest.isMountedInKernel }, "\(service.output)")
        #expect(guest.read("print/console_lvl") == "3\n")
        service.stop()   // what systemctl stop does: SIGTERM
        #expect(!guest.isMountedInKernel)
    }
}
