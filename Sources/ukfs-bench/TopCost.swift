import Foundation

/// `ukfs-bench --top`: what `ukfs top` costs over a fleet (issue 21's targets: with 1,024
/// instances, the first frame within 2 s, each refresh within 1 s, at most 10 % of one CPU at the
/// default interval). It runs `ukfs top --json` as a user would, reads each frame as it is written
/// (its `refresh_seconds`: how long reading every instance took) and the process's CPU time from
/// /proc between the first frame and the last.
enum TopCost {
    struct Figures {
        let instances: Int
        let answering: Int
        /// Instances the first frame had answering (the rest still connecting when it was drawn).
        let firstAnswering: Int
        let firstFrame: Double
        let medianRefresh: Double
        let worstRefresh: Double
        let refreshes: Int
        let cpuPercent: Double
    }

    static func run(_ workspace: Workspace, size: Int, refreshes: Int) throws -> Figures {
        let registry = try FleetRegistry(workspace)
        defer { registry.remove() }
        let fleet = try FleetSim(workspace, registry: registry, size: size, base: "vm")
        defer { fleet.stop() }
        let output = workspace.path("top.json")
        let started = Clock.seconds()
        let top = try Programs.start(
            [workspace.ukfs, "top", "--json", "-n", String(refreshes + 1)], environment: registry.environment, outputPath: output)
        defer { Programs.stop(top) }
        var firstFrame: Double?
        var cpuAtFirst: (time: Double, cpu: Double)?
        var cpuBeforeLast: (time: Double, cpu: Double)?
        // Frames come a second apart: 10 ms polling places each within 1 % of the interval.
        _ = Programs.eventually(within: Double(refreshes) * 3 + 60) {
            let frames = lines(output)
            if firstFrame == nil, !frames.isEmpty {
                firstFrame = Clock.seconds() - started
                cpuAtFirst = cpuSeconds(top.processIdentifier).map { (Clock.seconds(), $0) }
            }
            // While the last frame is still a refresh away, so the process is surely there.
            if cpuBeforeLast == nil, frames.count == refreshes {
                cpuBeforeLast = cpuSeconds(top.processIdentifier).map { (Clock.seconds(), $0) }
            }
            return !top.isRunning
        }
        let frames = lines(output).compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        guard frames.count == refreshes + 1, let firstFrame, let cpuAtFirst, let cpuBeforeLast else {
            throw BenchError(
                "ukfs top --json over \(size) instances printed \(frames.count) of \(refreshes + 1) frames (or its CPU time could not be read)"
            )
        }
        let steady = frames.dropFirst().compactMap { $0["refresh_seconds"] as? Double }.sorted()
        let last = frames.last?["instances"] as? [[String: Any]] ?? []
        let first = frames.first?["instances"] as? [[String: Any]] ?? []
        return Figures(
            instances: last.count, answering: last.filter { $0["state"] as? String == "connected" }.count,
            firstAnswering: first.filter { $0["state"] as? String == "connected" }.count,
            firstFrame: firstFrame, medianRefresh: steady.isEmpty ? 0 : steady[steady.count / 2], worstRefresh: steady.last ?? 0,
            refreshes: steady.count,
            cpuPercent: 100 * (cpuBeforeLast.cpu - cpuAtFirst.cpu) / max(cpuBeforeLast.time - cpuAtFirst.time, 0.001))
    }

    /// The report: the figures and issue 21's targets.
    static func render(_ figures: Figures) -> String {
        func row(_ what: String, _ wanted: String, _ measured: String, _ pass: Bool) -> String {
            "| \(what) | \(wanted) | \(measured) | \(pass ? "pass" : "MISS") |"
        }
        return [
            "ukfs top over ukfs sim --fleet \(figures.instances) (\(figures.answering) answering in the last frame; \(figures.refreshes) refreshes after the first)",
            "",
            "| target | wanted | measured | |",
            "|---|---|---|---|",
            row(
                "first frame (connect, list, read every instance)", "≤ 2 s, all answering",
                String(format: "%.2f s, %d of %d answering", figures.firstFrame, figures.firstAnswering, figures.instances),
                figures.firstFrame <= 2 && figures.firstAnswering == figures.instances),
            row(
                "a refresh (median; worst)", "≤ 1 s", String(format: "%.3f s; %.3f s", figures.medianRefresh, figures.worstRefresh),
                figures.worstRefresh <= 1),
            row(
                "CPU at the default interval", "≤ 10 % of one CPU", String(format: "%.1f %%", figures.cpuPercent), figures.cpuPercent <= 10),
        ].joined(separator: "\n")
    }

    private static func lines(_ path: String) -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        // Only whole lines: the last may still be being written.
        return text.split(separator: "\n", omittingEmptySubsequences: true).dropLast(text.hasSuffix("\n") ? 0 : 1).map(String.init)
    }

    /// User and system CPU seconds of a process, from /proc/PID/stat.
    private static func cpuSeconds(_ pid: pid_t) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
