import Foundation

/// The density section as Markdown tables: one column per fleet size, then growth per instance.
enum DensityTable {
    static func render(_ figures: Density.Figures) -> [String] {
        typealias P = TablePrinter
        var lines: [String] = []
        let mounts = figures.mounts.sorted { $0.instances < $1.instances }
        if !mounts.isEmpty {
            let first = mounts[0]
            let last = mounts[mounts.count - 1]
            let span = Double(max(last.instances - first.instances, 1))
            func growth(_ value: (Density.MountFigures) -> Double, _ digits: Int, _ unit: String) -> String {
                mounts.count > 1 ? P.fixed((value(last) - value(first)) / span, digits) + unit : "—"
            }
            lines.append("")
            lines.append(
                "density: one `ukfs mount --all` over `ukfs sim --fleet N` (default store, registry \(figures.registry)); empty mount: RSS \(figures.empty.rssKiB) KiB, \(figures.empty.descriptors) descriptors, \(figures.empty.threads) threads"
            )
            lines.append("")
            lines.append("| instances | " + mounts.map { String($0.instances) }.joined(separator: " | ") + " | growth per instance |")
            lines.append("|---|" + mounts.map { _ in "---:|" }.joined() + "---:|")
            func row(_ name: String, _ cells: (Density.MountFigures) -> String, _ growth: String) {
                lines.append("| \(name) | " + mounts.map(cells).joined(separator: " | ") + " | \(growth) |")
            }
            row(
                "last socket → all folders listed (s)", { $0.listedSeconds.map { P.fixed($0, 2) } ?? "\($0.listed) listed" },
                growth({ ($0.listedSeconds ?? .nan) * 1000 }, 3, " ms"))
            row("RSS idle (KiB)", { String($0.idle.rssKiB) }, growth({ Double($0.idle.rssKiB) }, 1, " KiB"))
            row("descriptors idle", { String($0.idle.descriptors) }, growth({ Double($0.idle.descriptors) }, 2, ""))
            row(
                "threads idle: all (event loops + ukfs)", { "\($0.idle.threads) (\($0.idle.ownThreads))" },
                growth({ Double($0.idle.threads) }, 4, ""))
            row("`grep -r` over the first instances (s)", { "\(P.fixed($0.grepSeconds, 2)) (\($0.grepped))" }, "—")
            row("RSS after the grep (KiB)", { String($0.afterGrep.rssKiB) }, growth({ Double($0.afterGrep.rssKiB) }, 1, " KiB"))
            row("descriptors after the grep", { String($0.afterGrep.descriptors) }, growth({ Double($0.afterGrep.descriptors) }, 2, ""))
            row(
                "threads after the grep: all (event loops + ukfs)", { "\($0.afterGrep.threads) (\($0.afterGrep.ownThreads))" },
                growth({ Double($0.afterGrep.threads) }, 4, ""))
            row("`ls` of the root (ms)", { P.fixed($0.lsMilliseconds, 2) }, growth({ $0.lsMilliseconds * 1000 }, 2, " µs"))
            row(
                "read one entry of instance #k, ops/s (k; median of rounds alternating with the next row)",
                { "\(P.count($0.readsPerSecond)) (#\($0.readIndex))\($0.readFailures > 0 ? " \($0.readFailures) failed" : "")" }, "—")
            row("the same entry, single-instance mount, ops/s", { P.count($0.singleReadsPerSecond) }, "—")
            row("read cost vs single-instance mount", { P.times($0.singleReadsPerSecond / max($0.readsPerSecond, 1)) }, "—")
        }
        let exports = figures.exports.sorted { $0.instances < $1.instances }
        if !exports.isEmpty {
            lines.append("")
            lines.append(
                "density: one `ukfs export --all` over `ukfs sim --fleet N`, scraped with curl (steady: median of the scrapes after the first)"
            )
            lines.append("")
            lines.append(
                "| instances | samples | bytes | first scrape s | steady scrape s | steady ms per instance | instances up | exporter RSS KiB | descriptors | threads |"
            )
            lines.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
            for export in exports {
                lines.append(
                    "| \(export.instances) | \(export.steady.samples) | \(export.steady.bytes) | \(P.fixed(export.first.seconds, 3)) | \(P.fixed(export.steady.seconds, 3)) | \(P.fixed(export.steadyPerInstance * 1000, 3)) | \(export.steady.up) | \(export.exporter.rssKiB) | \(export.exporter.descriptors) | \(export.exporter.threads) |"
                )
            }
            if exports.count > 1, let first = exports.first, let last = exports.last {
                let span = Double(max(last.instances - first.instances, 1))
                lines.append("")
                lines.append(
                    "export growth per instance (\(first.instances) → \(last.instances)): \(P.fixed(Double(last.steady.samples - first.steady.samples) / span, 1)) samples, \(P.fixed(Double(last.steady.bytes - first.steady.bytes) / span, 0)) bytes, \(P.fixed((last.steady.seconds - first.steady.seconds) / span * 1000, 3)) ms a scrape, \(P.fixed(Double(last.exporter.rssKiB - first.exporter.rssKiB) / span, 1)) KiB RSS, \(P.fixed(Double(last.exporter.descriptors - first.exporter.descriptors) / span, 2)) descriptors"
                )
            }
        }
        if !figures.cycles.isEmpty {
            lines.append("")
            lines.append(
                "density: \(figures.cycleInstances) instances come and go (the mount's RSS KiB / descriptors; kernel inodes machine-wide)")
            lines.append("")
            lines.append("| cycle | present: RSS | descriptors | inodes | gone: RSS | descriptors | inodes |")
            lines.append("|---:|---:|---:|---:|---:|---:|---:|")
            for (index, cycle) in figures.cycles.enumerated() {
                lines.append(
                    "| \(index + 1) | \(cycle.present.rssKiB) | \(cycle.present.descriptors) | \(cycle.present.kernelInodes) | \(cycle.gone.rssKiB) | \(cycle.gone.descriptors) | \(cycle.gone.kernelInodes) |"
                )
            }
        }
        return lines
    }
}
