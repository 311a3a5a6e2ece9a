import Foundation

/// Issue 14's targets, judged on one run's density figures: growth and ratios against the run's
/// own baselines, since this machine's absolute times drift.
enum DensityTargets {
    static func judge(_ figures: Density.Figures) -> [Report.Target] {
        var targets: [Report.Target] = []
        func add(_ figure: String, _ wanted: String, _ measured: String?, _ pass: Bool?) {
            targets.append(Report.Target(figure: figure, wanted: wanted, measured: measured ?? "not measured", pass: pass))
        }
        let smallest = figures.mounts.min { $0.instances < $1.instances }
        let largest = figures.mounts.max { $0.instances < $1.instances }
        if let largest {
            add(
                "\(largest.instances) instances: last socket → all folders listed", "≤ 5 s",
                largest.listedSeconds.map { String(format: "%.2f s", $0) } ?? "\(largest.listed) of \(largest.instances) listed",
                largest.listedSeconds.map { $0 <= 5 } ?? false)
            let perInstance = Double(largest.idle.rssKiB - figures.empty.rssKiB) / Double(max(largest.listed, 1))
            add(
                "mount RSS per idle instance above the empty mount's (\(largest.instances))", "≤ 64 KiB",
                String(format: "%.1f KiB", perInstance), perInstance <= 64)
        } else {
            add("last socket → all folders listed", "≤ 5 s", nil, nil)
            add("mount RSS per idle instance above the empty mount's", "≤ 64 KiB", nil, nil)
        }
        if let smallest, let largest, smallest.instances < largest.instances {
            // Judged on the threads ukfs starts (event loops, FUSE workers); the Swift runtime's pool
            // is shown beside them, since it follows async load, not instances.
            add(
                "mount threads, idle: \(smallest.instances) → \(largest.instances) instances", "flat",
                "event loops + ukfs \(smallest.idle.ownThreads) → \(largest.idle.ownThreads) (all \(smallest.idle.threads) → \(largest.idle.threads))",
                largest.idle.ownThreads <= smallest.idle.ownThreads)
        } else {
            add("mount threads, idle", "flat", nil, nil)
        }
        if let largest, largest.readsPerSecond > 0 {
            let ratio = largest.singleReadsPerSecond / largest.readsPerSecond
            add(
                "read of instance #\(largest.readIndex) of \(largest.instances) / in a single-instance mount", "≤ 1.5×",
                String(format: "%.2f×", ratio), ratio <= 1.5)
        } else {
            add("read of one instance of the largest fleet / in a single-instance mount", "≤ 1.5×", nil, nil)
        }
        let exportTarget = figures.exports.first { $0.instances == 1024 } ?? figures.exports.max { $0.instances < $1.instances }
        if let exported = exportTarget {
            add(
                "export --all over \(exported.instances): a scrape (steady)", "≤ 2 s",
                String(format: "%.2f s", exported.steady.seconds), exported.steady.seconds <= 2)
            add(
                "export --all over \(exported.instances): the first scrape (connects, lists)", "≤ 2 s",
                String(format: "%.2f s", exported.first.seconds), exported.first.seconds <= 2)
            if let base = figures.exports.min(by: { $0.instances < $1.instances }), base.instances < exported.instances {
                let ratio = exported.steadyPerInstance / max(base.steadyPerInstance, 1e-9)
                add(
                    "scrape time per instance: \(exported.instances) / \(base.instances)", "≤ 1.5×",
                    String(format: "%.2f×", ratio), ratio <= 1.5)
            }
        } else {
            add("export --all over 1024: a scrape", "≤ 2 s", nil, nil)
        }
        if figures.cycles.count > 1 {
            let growth = leakGrowth(figures.cycles)
            let text = String(
                format: "RSS %+.1f %%, descriptors %+.1f %%, inodes %+.1f %%", growth.rss * 100,
                growth.descriptors * 100, growth.inodes * 100)
            add(
                "\(figures.cycleInstances) instances come and go \(figures.cycles.count)×: worst plateau vs the first",
                "≤ +10 %", text, max(growth.rss, growth.descriptors, growth.inodes) <= 0.10)
        } else {
            add("instances come and go: plateaus vs the first", "≤ +10 %", nil, nil)
        }
        return targets
    }

    /// The largest growth of any later plateau over the first cycle's same plateau (present
    /// against present, gone against gone), as a fraction.
    static func leakGrowth(_ cycles: [Density.Cycle]) -> (rss: Double, descriptors: Double, inodes: Double) {
        guard let first = cycles.first else { return (0, 0, 0) }
        var rss = 0.0
        var descriptors = 0.0
        var inodes = 0.0
        for cycle in cycles.dropFirst() {
            for (later, reference) in [(cycle.present, first.present), (cycle.gone, first.gone)] {
                rss = max(rss, Double(later.rssKiB) / Double(max(reference.rssKiB, 1)) - 1)
                descriptors = max(descriptors, Double(later.descriptors) / Double(max(reference.descriptors, 1)) - 1)
                inodes = max(inodes, Double(later.kernelInodes) / Double(max(reference.kernelInodes, 1)) - 1)
            }
        }
        return (rss, descriptors, inodes)
    }
}
