import Foundation

/// The report as Markdown tables, ready to paste into the README.
enum TablePrinter {
    static func render(_ report: Report) -> String {
        var lines: [String] = []
        lines.append(
            "ukfs-bench, \(report.date): \(report.machine.cpus) vCPU, kernel \(report.machine.kernel), libfuse \(report.machine.libfuse); \(report.settings)"
        )
        if !report.readers.isEmpty {
            lines.append("")
            lines.append("open + read + close of one file (median of rounds)")
            lines.append("")
            lines.append("| target | 1 thread ops/s | µs/op | 4 threads ops/s | 4 t / 1 t | 1 t vs LXCFS | 1 t vs floor |")
            lines.append("|---|---:|---:|---:|---:|---:|---:|")
        }
        let lxcfs = report.row(Targets.lxcfs)?.oneThread
        let floor = report.row(Targets.floor)?.oneThread
        for row in report.readers {
            let failures = row.failures > 0 ? " (\(row.failures) failed)" : ""
            lines.append(
                "| \(row.name)\(failures) | \(count(row.oneThread)) | \(fixed(1e6 / max(row.oneThread, 1), 1)) | \(count(row.fourThreads)) | \(times(row.fourThreads / max(row.oneThread, 1))) | \(lxcfs.map { times(row.oneThread / $0) } ?? "—") | \(floor.map { times(row.oneThread / $0) } ?? "—") |"
            )
        }
        if !report.wakeups.isEmpty {
            lines.append("")
            lines.append("thread wake-ups per open + read + close (context switches of every thread, 1 reader)")
            lines.append("")
            lines.append("| target | ukfs daemon | guest |")
            lines.append("|---|---:|---:|")
            for row in report.wakeups {
                lines.append("| \(row.name) | \(fixed(row.daemonPerRead, 2)) | \(fixed(row.guestPerRead, 2)) |")
            }
        }
        if let walk = report.walk {
            lines.append("")
            lines.append("walk: find -type f + read every file, \(walk.entries) entries in the store")
            lines.append("")
            lines.append("| walk | files | find s | read s | µs per file | vs single entry |")
            lines.append("|---|---:|---:|---:|---:|---:|")
            let single = report.row(Targets.simulator).map { 1e6 / $0.oneThread }
            for (name, result) in [("cold (first)", walk.cold), ("warm (second)", walk.warm)] {
                let perFile = result.secondsPerFile * 1e6
                lines.append(
                    "| \(name)\(result.failures > 0 ? " (\(result.failures) failed)" : "") | \(result.files) | \(fixed(result.findSeconds, 2)) | \(fixed(result.readSeconds, 2)) | \(fixed(perFile, 1)) | \(single.map { times(perFile / $0) } ?? "—") |"
                )
            }
        }
        if let bridge = report.bridge {
            lines.append("")
            lines.append("bridge alone (BridgeConnection → simulator, no FUSE)")
            lines.append("")
            lines.append("| mode | gets/s |")
            lines.append("|---|---:|")
            lines.append("| one at a time | \(count(bridge.oneAtATime)) |")
            lines.append("| pipelined, depth \(bridge.depth) | \(count(bridge.pipelined)) |")
            lines.append("| batched, \(bridge.batch) per request | \(count(bridge.batched)) |")
        }
        if let liveness = report.liveness {
            lines.append("")
            lines.append(
                "liveness: object created in the guest → its name answers stat (\(liveness.samples) creations): p50 \(fixed(liveness.p50Milliseconds, 2)) ms, p99 \(fixed(liveness.p99Milliseconds, 2)) ms, max \(fixed(liveness.maxMilliseconds, 2)) ms"
            )
        }
        if let shared = report.shared {
            lines.append("")
            lines.append("one guest line, shared (`ukfs sim --one-client`)")
            lines.append("")
            lines.append("| figure | measured |")
            lines.append("|---|---:|")
            lines.append(
                "| `ukfs get` of one entry, a mount holding the line (through its share) | \(fixed(shared.getSharedMilliseconds, 1)) ms |")
            lines.append("| `ukfs get` of one entry, nothing holding the line | \(fixed(shared.getAloneMilliseconds, 1)) ms |")
            lines.append(
                "| \(shared.clients) clients × \(shared.entries) entries in a loop: client GETs / guest requests | \(shared.clientGets) / \(shared.lineRequests) = \(fixed(shared.mergeRatio, 2)) |"
            )
            lines.append("| one client alone: a GET through the share | \(fixed(shared.soloMicroseconds, 0)) µs |")
            lines.append(
                "| \(shared.clients) clients at once: p99 / longest wait | \(fixed(shared.p99Microseconds, 0)) / \(fixed(shared.maxMicroseconds, 0)) µs |"
            )
            lines.append(
                "| reads through the share, quiet / while two clients flood it (ops/s) | \(count(shared.quietReadsPerSecond)) / \(count(shared.floodedReadsPerSecond)) |"
            )
        }
        if let rss = report.peakRSSBytes {
            let small =
                report.peakRSSSmallStoreBytes.map { ", default store after the reader runs \(fixed(Double($0) / 1_048_576, 1)) MiB" } ?? ""
            lines.append("")
            lines.append(
                "memory: daemon peak RSS (VmHWM) with \(report.walk?.entries ?? 0) entries mounted and walked \(fixed(Double(rss) / 1_048_576, 1)) MiB\(small)"
            )
        }
        if let density = report.density { lines += DensityTable.render(density) }
        lines.append("")
        lines.append("| target | wanted | measured | |")
        lines.append("|---|---|---|---|")
        for target in report.targets {
            let verdict = target.pass.map { $0 ? "pass" : "MISS" } ?? "—"
            lines.append("| \(target.figure) | \(target.wanted) | \(target.measured) | \(verdict) |")
        }
        for note in report.notes { lines.append("note: \(note)") }
        return lines.joined(separator: "\n")
    }

    static func count(_ value: Double) -> String { String(format: "%.0f", value) }
    static func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }
    static func times(_ value: Double) -> String { String(format: "%.2f×", value) }
}
