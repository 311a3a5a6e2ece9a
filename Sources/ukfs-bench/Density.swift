import Foundation

/// Issue 14's figures: what each instance costs one `mount --all` and one `export --all`, for
/// fleets of several sizes in one run, against baselines measured in the same run (an empty
/// mount, a single-instance mount, the smallest fleet).
enum Density {
    struct Plan {
        let mountSizes: [Int]
        let exportSizes: [Int]
        let cycles: Int
        let settle: Double
        let readBudget: ReaderLoop.Budget
        let readRounds: Int
        let steadyScrapes: Int
        /// Instances `grep -r` reads (the first ones).
        let grepped: Int
        /// The instance read for the per-read cost: this one, or the last of a smaller fleet.
        let readIndex: Int
    }

    struct MountFigures: Codable {
        let instances: Int
        /// Folders `ls` showed, and when: from the last socket appearing in the registry to `ls`
        /// showing every folder (nil when some never appeared: a mount that refuses past a limit).
        let listed: Int
        let listedSeconds: Double?
        let idle: ProcessFigures
        let grepSeconds: Double
        let grepped: Int
        let afterGrep: ProcessFigures
        /// Median of `ls MOUNTPOINT` (readdir of the root), milliseconds.
        let lsMilliseconds: Double
        let readIndex: Int
        /// open + read + close of one entry of instance `readIndex`, and the same entry in a
        /// single-instance mount measured right after, 1 thread.
        let readsPerSecond: Double
        let singleReadsPerSecond: Double
        let readFailures: Int
    }

    struct ExportFigures: Codable {
        let instances: Int
        let first: FleetExporter.Scrape
        /// The median of the scrapes after the first (lines kept open, trees listed).
        let steady: FleetExporter.Scrape
        let exporter: ProcessFigures
        var steadyPerInstance: Double { steady.seconds / Double(max(instances, 1)) }
    }

    /// A mount's figures with a fleet present (all listed) and after it left (none listed).
    struct Cycle: Codable {
        struct Plateau: Codable {
            let rssKiB: Int
            let descriptors: Int
            /// Inodes the kernel holds, machine-wide (the fleet's sockets and the mount's nodes among them).
            let kernelInodes: Int
        }
        let present: Plateau
        let gone: Plateau
    }

    struct Figures: Codable {
        /// Where the fleet registered (tmpfs when /dev/shm is there).
        let registry: String
        let empty: ProcessFigures
        let mounts: [MountFigures]
        let exports: [ExportFigures]
        let cycleInstances: Int
        let cycles: [Cycle]
    }

    static func run(_ workspace: Workspace, plan: Plan) throws -> Figures {
        let registry = try FleetRegistry(workspace)
        defer { registry.remove() }
        let single = try Guest.simulator(workspace, name: "single")
        defer { single.stop() }
        let singleMount = try UkfsMount(workspace, guest: single, name: "mnt-single")
        defer { singleMount.stop() }
        let singlePath = singleMount.mountpoint + "/libukalloc/cur_mem_free"

        let mount = try FleetMount(workspace, registry: registry)
        defer { mount.stop() }
        usleep(UInt32(plan.settle * 1e6))
        let empty = ProcessFigures.of(mount.pid)
        var mounts: [MountFigures] = []
        for size in plan.mountSizes {
            BenchRun.progress("density: mount --all with \(size) instances")
            mounts.append(
                try measureMount(
                    workspace, registry: registry, mount: mount, size: size, plan: plan,
                    singlePath: singlePath))
        }
        let cycleSize = plan.mountSizes.max() ?? 0
        var cycles: [Cycle] = []
        for round in 1...max(plan.cycles, 1) where cycleSize > 0 {
            BenchRun.progress("density: \(cycleSize) instances come and go, \(round)/\(plan.cycles)")
            cycles.append(try cycle(workspace, registry: registry, mount: mount, size: cycleSize, settle: plan.settle))
        }
        mount.stop()

        var exports: [ExportFigures] = []
        for size in plan.exportSizes {
            BenchRun.progress("density: export --all with \(size) instances")
            exports.append(try measureExport(workspace, registry: registry, size: size, plan: plan))
        }
        return Figures(registry: registry.folder, empty: empty, mounts: mounts, exports: exports, cycleInstances: cycleSize, cycles: cycles)
    }

    private static func measureMount(
        _ workspace: Workspace, registry: FleetRegistry, mount: FleetMount, size: Int,
        plan: Plan, singlePath: String
    ) throws -> MountFigures {
        let fleet = try FleetSim(workspace, registry: registry, size: size, base: "vm")
        defer { stopFleet(fleet, mount: mount) }
        let (listedCount, listedSeconds) = waitListed(mount, size: size, since: fleet.socketsReady, plan: plan)
        usleep(UInt32(plan.settle * 1e6))
        let idle = ProcessFigures.of(mount.pid)
        var lsTimes: [Double] = []
        for _ in 0..<5 {
            let started = Clock.seconds()
            _ = try? FileManager.default.contentsOfDirectory(atPath: mount.mountpoint)
            lsTimes.append((Clock.seconds() - started) * 1000)
        }
        let index = min(plan.readIndex, listedCount)
        let path = mount.mountpoint + "/" + fleet.name(index) + "/libukalloc/cur_mem_free"
        _ = ReaderLoop.measure(path, threads: 1, budget: .operations(50))   // warm: the folder is entered, the line opened
        // Alternating rounds, medians: this machine's load drifts within seconds.
        var fleetRates: [Double] = []
        var singleRates: [Double] = []
        var failures = 0
        for _ in 0..<max(plan.readRounds, 1) {
            let read = ReaderLoop.measure(path, threads: 1, budget: plan.readBudget)
            fleetRates.append(read.perSecond)
            failures += read.failures
            singleRates.append(ReaderLoop.measure(singlePath, threads: 1, budget: plan.readBudget).perSecond)
        }

        let grepped = min(plan.grepped, listedCount)
        let folders = (1...grepped).map { mount.mountpoint + "/" + fleet.name($0) }
        let grepStarted = Clock.seconds()
        _ = try Programs.run(["/bin/grep", "-r", "-s", "."] + folders)
        let grepSeconds = Clock.seconds() - grepStarted
        usleep(UInt32(plan.settle * 1e6))
        let afterGrep = ProcessFigures.of(mount.pid)
        return MountFigures(
            instances: size, listed: listedCount, listedSeconds: listedSeconds, idle: idle, grepSeconds: grepSeconds, grepped: grepped,
            afterGrep: afterGrep, lsMilliseconds: ReaderSuite.median(lsTimes), readIndex: index,
            readsPerSecond: ReaderSuite.median(fleetRates), singleReadsPerSecond: ReaderSuite.median(singleRates),
            readFailures: failures)
    }

    private static func cycle(
        _ workspace: Workspace, registry: FleetRegistry, mount: FleetMount, size: Int,
        settle: Double
    ) throws -> Cycle {
        func plateau() -> Cycle.Plateau {
            let figures = ProcessFigures.of(mount.pid)
            return .init(rssKiB: figures.rssKiB, descriptors: figures.descriptors, kernelInodes: ProcessFigures.kernelInodes())
        }
        let fleet = try FleetSim(workspace, registry: registry, size: size, base: "vm")
        _ = waitListed(mount, size: size, since: fleet.socketsReady, plan: nil)
        // Every folder entered once, as a user looking around would, so each instance's state exists.
        for index in stride(from: 1, through: size, by: max(1, size / 64)) {
            _ = try? FileManager.default.contentsOfDirectory(atPath: mount.mountpoint + "/" + fleet.name(index))
        }
        usleep(UInt32(settle * 1e6))
        let present = plateau()
        stopFleet(fleet, mount: mount)
        usleep(UInt32(settle * 1e6))
        return Cycle(present: present, gone: plateau())
    }

    /// Waits for `size` folders, or for the count to stay put for 10 s (a mount refusing the rest);
    /// the folders listed and, when all were, the seconds since `since`.
    private static func waitListed(_ mount: FleetMount, size: Int, since: Double, plan: Plan?) -> (Int, Double?) {
        var last = -1
        var stable = Clock.seconds()
        var count = 0
        _ = Programs.eventually(within: 300) {
            count = mount.folders().count
            if count != last { (last, stable) = (count, Clock.seconds()) }
            return count >= size || Clock.seconds() - stable > 10
        }
        if count < size { BenchRun.progress("density: mount --all lists \(count) of \(size) instances") }
        return (count, count >= size ? max(0, Clock.seconds() - since) : nil)
    }

    /// Stops the fleet and waits for the mount to drop its folders.
    private static func stopFleet(_ fleet: FleetSim, mount: FleetMount) {
        fleet.stop()
        if !Programs.eventually(within: 60, { mount.folders().isEmpty }) {
            BenchRun.progress("density: \(mount.folders().count) folders still listed 60 s after the fleet stopped")
        }
    }

    private static func measureExport(_ workspace: Workspace, registry: FleetRegistry, size: Int, plan: Plan) throws -> ExportFigures {
        let fleet = try FleetSim(workspace, registry: registry, size: size, base: "ex")
        defer { fleet.stop() }
        let exporter = try FleetExporter(workspace, registry: registry)
        defer { exporter.stop() }
        let file = workspace.path("scrape.txt")
        let first = try exporter.scrape(into: file)
        var steady: [FleetExporter.Scrape] = []
        for _ in 0..<max(plan.steadyScrapes, 1) { steady.append(try exporter.scrape(into: file)) }
        steady.sort { $0.seconds < $1.seconds }
        return ExportFigures(
            instances: size, first: first, steady: steady[steady.count / 2],
            exporter: ProcessFigures.of(exporter.pid))
    }
}
