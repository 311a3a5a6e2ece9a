import Foundation

/// Issue 5's targets, judged on one run's figures.
enum Targets {
    static let simulator = "ukfs + simulator"
    static let simulatorLibfuse = "ukfs + simulator, libfuse path"
    static let fourEntries = "ukfs + simulator, 4 entries"
    static let agent = "ukfs + C agent"
    static let agentLibfuse = "ukfs + C agent, libfuse path"
    static let floor = "ukfs constant (floor)"
    static let floorLibfuse = "ukfs constant, libfuse path"
    static let lxcfs = "LXCFS proc/uptime"
    static let holding = "ukfs holding a one-client guest"
    static let shared = "ukfs + shared line"

    static func judge(_ report: Report) -> [Report.Target] {
        var targets: [Report.Target] = []
        let sim = report.row(simulator)
        func ratio(_ figure: String, _ wanted: Double, _ value: Double?, atLeast: Bool = true) {
            let measured = value.map { String(format: "%.2f×", $0) } ?? "not measured"
            targets.append(
                Report.Target(
                    figure: figure, wanted: (atLeast ? "≥ " : "≤ ") + String(format: "%.1f×", wanted),
                    measured: measured, pass: value.map { atLeast ? $0 >= wanted : $0 <= wanted }))
        }
        let lxcfsRow = report.row(lxcfs)
        func overLXCFS(_ name: String) -> Double? { report.row(name).flatMap { row in lxcfsRow.map { row.oneThread / $0.oneThread } } }
        ratio("ukfs+C agent 1 thread / LXCFS 1 thread", 2.0, overLXCFS(agent))
        ratio("ukfs+sim 1 thread / LXCFS 1 thread", 1.8, overLXCFS(simulator))
        ratio(
            "constant floor: passthrough / libfuse path, 1 thread", 1.4,
            report.row(floor).flatMap { pass in report.row(floorLibfuse).map { pass.oneThread / $0.oneThread } })
        ratio(
            "ukfs+sim 1 thread / constant floor 1 thread", 0.8,
            sim.flatMap { sim in report.row(floor).map { sim.oneThread / $0.oneThread } })
        ratio("ukfs+sim, one entry: 4 threads / 1 thread", 1.5, sim.map { $0.fourThreads / $0.oneThread })
        ratio("ukfs+sim, 4 entries: 4 threads / 1 thread", 1.5, report.row(fourEntries).map { $0.fourThreads / $0.oneThread })
        let failed = [simulator, fourEntries, agent].compactMap { report.row($0)?.failures }.reduce(0, +)
        targets.append(
            Report.Target(
                figure: "failed reads, 1 and 4 threads (sim, 4 entries, C agent)", wanted: "0", measured: String(failed),
                pass: report.row(simulator) == nil ? nil : failed == 0))
        ratio("walk cost per entry / single-entry cost", 1.3, report.walk?.ratioToSingle, atLeast: false)
        let pipelined = report.bridge?.pipelined
        targets.append(
            Report.Target(
                figure: "bridge gets/s, pipelined depth 32", wanted: "≥ 100000",
                measured: pipelined.map { String(format: "%.0f", $0) } ?? "not measured",
                pass: pipelined.map { $0 >= 100_000 }))
        let p99 = report.liveness?.p99Milliseconds
        targets.append(
            Report.Target(
                figure: "liveness p99", wanted: "≤ 100 ms",
                measured: p99.map { String(format: "%.1f ms", $0) } ?? "not measured",
                pass: p99.map { $0 <= 100 }))
        ratio(
            "ukfs + shared line 1 thread / the mount holding the line", 0.8,
            report.row(shared).flatMap { client in report.row(holding).map { client.oneThread / $0.oneThread } })
        ratio("ukfs get while mounted / with nothing holding the line", 1.5, report.shared?.getRatio, atLeast: false)
        ratio(
            "\(report.shared?.clients ?? 8) clients × \(report.shared?.entries ?? 50) entries: guest requests per client GET", 0.3,
            report.shared?.mergeRatio, atLeast: false)
        ratio(
            "8 clients: longest wait / one client's round trip", 2.0,
            report.shared.map { $0.maxMicroseconds / max($0.soloMicroseconds, 1) }, atLeast: false)
        ratio("reads through a share: quiet / while others flood it", 2.0, report.shared?.floodSlowdown, atLeast: false)
        let rss = report.peakRSSBytes.map { Double($0) / 1_048_576 }
        targets.append(
            Report.Target(
                figure: "daemon peak RSS, \(report.walk?.entries ?? 0) entries walked", wanted: "≤ 32 MiB",
                measured: rss.map { String(format: "%.1f MiB", $0) } ?? "not measured",
                pass: rss.map { $0 <= 32 }))
        return targets
    }
}
