import Foundation

/// One run: starts what it measures, measures in order, stops everything it started (also on
/// failure), and judges the targets.
final class BenchRun {
    private let plan: BenchPlan
    private var cleanups: [() -> Void] = []

    init(plan: BenchPlan) { self.plan = plan }

    func run() async throws -> Report {
        let workspace = try Workspace()
        cleanups.append { workspace.remove() }
        defer { cleanUp() }
        var report = Report()
        report.date = ISO8601DateFormatter().string(from: Date())
        report.machine = .current()
        report.settings =
            plan.quick
            ? "--quick (figures not meaningful)"
            : String(format: "%.1f s × %d rounds per figure", plan.seconds, plan.rounds)

        // 1. Readers, side by side, on both paths: passthrough (the default as root) and the
        //    libfuse path, each mount with a guest of its own. The floors are the same daemons'
        //    `.ukfs/name`: served from memory through the very FUSE path an entry takes, with no
        //    bridge request.
        let simulator = try started(Guest.simulator(workspace, name: "sim")) { $0.stop() }
        let simMount = try started(UkfsMount(workspace, guest: simulator, name: "mnt-sim")) { $0.stop() }
        let simLibfuse = try started(Guest.simulator(workspace, name: "sim-libfuse")) { $0.stop() }
        let simLibfuseMount = try started(
            UkfsMount(workspace, guest: simLibfuse, name: "mnt-sim-libfuse", options: ["-o", "passthrough=off"])
        ) { $0.stop() }
        report.notes.append(
            "read paths: \(simMount.readPath) (\(Targets.simulator)), \(simLibfuseMount.readPath) (\(Targets.simulatorLibfuse))")
        var subjects = [
            ReaderSuite.Subject(name: Targets.simulator, path: simMount.mountpoint + "/libukalloc/cur_mem_free"),
            ReaderSuite.Subject(name: Targets.simulatorLibfuse, path: simLibfuseMount.mountpoint + "/libukalloc/cur_mem_free"),
            ReaderSuite.Subject(
                name: Targets.fourEntries,
                paths: ["libukalloc/cur_mem_free", "net/eth0/rx_bytes", "net/eth0/tx_bytes", "libuksched/cpu0/cpu_time_total"].map {
                    simMount.mountpoint + "/" + $0
                }),
        ]
        var wakeupSubjects = [
            (Targets.simulator, simMount, simulator), (Targets.simulatorLibfuse, simLibfuseMount, simLibfuse),
        ]
        if plan.withAgent {
            let (binary, why) = workspace.buildAgent()
            if let binary {
                let agent = try started(Guest.agent(workspace, binary: binary, name: "agent")) { $0.stop() }
                let agentMount = try started(UkfsMount(workspace, guest: agent, name: "mnt-agent")) { $0.stop() }
                let agentLibfuse = try started(Guest.agent(workspace, binary: binary, name: "agent-libfuse")) { $0.stop() }
                let agentLibfuseMount = try started(
                    UkfsMount(workspace, guest: agentLibfuse, name: "mnt-agent-libfuse", options: ["-o", "passthrough=off"])
                ) { $0.stop() }
                subjects.append(.init(name: Targets.agent, path: agentMount.mountpoint + "/libukalloc/cur_mem_free"))
                subjects.append(.init(name: Targets.agentLibfuse, path: agentLibfuseMount.mountpoint + "/libukalloc/cur_mem_free"))
                wakeupSubjects += [(Targets.agent, agentMount, agent), (Targets.agentLibfuse, agentLibfuseMount, agentLibfuse)]
            } else {
                report.notes.append("C agent left out: \(why)")
            }
        }
        // A guest with one line: a mount holding it, and a second mount reading through its share.
        let shared = try started(SharedLineRig(workspace)) { $0.stop() }
        subjects.append(.init(name: Targets.holding, path: shared.holderMount + "/libukalloc/cur_mem_free"))
        subjects.append(.init(name: Targets.shared, path: shared.clientMount + "/libukalloc/cur_mem_free"))
        subjects.append(.init(name: Targets.floor, path: simMount.mountpoint + "/.ukfs/name"))
        subjects.append(.init(name: Targets.floorLibfuse, path: simLibfuseMount.mountpoint + "/.ukfs/name"))
        if plan.withLXCFS {
            let lxcfs = try started(LXCFS(workspace)) { $0.stop() }
            subjects.append(.init(name: Targets.lxcfs, path: lxcfs.uptime))
        } else {
            report.notes.append("LXCFS not measured (add --with-lxcfs)")
        }
        subjects.append(.init(name: "/proc/uptime", path: "/proc/uptime"))
        let tmpfsFile = try Self.tmpfsFile()
        cleanups.append { unlink(tmpfsFile) }
        subjects.append(.init(name: "tmpfs file", path: tmpfsFile))
        let suite = ReaderSuite(subjects: subjects, budget: plan.readerBudget, rounds: plan.readerRounds, warmUp: plan.warmUp)
        report.readers = suite.run(progress: Self.progress)
        Self.progress("wake-ups per read")
        report.wakeups = wakeupSubjects.map { name, mount, guest in
            Wakeups.measure(
                name: name, path: mount.mountpoint + "/libukalloc/cur_mem_free", daemon: mount.pid, guest: guest.pid,
                reads: plan.quick ? 200 : 5000)
        }

        // 3. The bridge alone, and 4. liveness, against the same simulator.
        Self.progress("bridge throughput")
        report.bridge = try await BridgeThroughput.run(socket: simulator.socket, gets: plan.bridgeGets)
        Self.progress("liveness")
        report.liveness = try await Liveness.run(
            socket: simulator.socket, mountpoint: simMount.mountpoint,
            creations: plan.liveCreations)
        report.peakRSSSmallStoreBytes = simMount.peakRSS
        Self.progress("shared line: commands, merging, flooding clients")
        report.shared = try await SharedLine.run(shared, quick: plan.quick, seconds: plan.seconds)

        // 2. The walk and 5. memory, on a store of its own scaled up.
        Self.progress("walk of \(plan.storeScale) entries")
        let scaled = try started(Guest.simulator(workspace, name: "scaled", scale: plan.storeScale)) { $0.stop() }
        let scaledMount = try started(UkfsMount(workspace, guest: scaled, name: "mnt-scaled")) { $0.stop() }
        let cold = try Walk.run(scaledMount.mountpoint)
        let warm = try Walk.run(scaledMount.mountpoint)
        let single = report.row(Targets.simulator).map { 1 / $0.oneThread } ?? 0
        report.walk = Report.WalkFigures(
            entries: plan.storeScale, cold: cold, warm: warm,
            ratioToSingle: single > 0 ? warm.secondsPerFile / single : 0)
        report.peakRSSBytes = scaledMount.peakRSS

        report.targets = Targets.judge(report)
        return report
    }

    /// The density section alone (`--fleet`): its own processes, its own targets.
    static func density(plan: Density.Plan) throws -> Report {
        let workspace = try Workspace()
        defer { workspace.remove() }
        var report = Report()
        report.date = ISO8601DateFormatter().string(from: Date())
        report.machine = .current()
        report.settings =
            "--fleet: mount sizes \(plan.mountSizes.map(String.init).joined(separator: ",")), export sizes \(plan.exportSizes.map(String.init).joined(separator: ","))"
        let figures = try Density.run(workspace, plan: plan)
        report.density = figures
        report.targets = DensityTargets.judge(figures)
        return report
    }

    /// Remembers how to stop what was just started, so a failure later still stops it.
    private func started<T>(_ make: @autoclosure () throws -> T, stop: @escaping (T) -> Void) throws -> T {
        let value = try make()
        cleanups.append { stop(value) }
        return value
    }

    private func cleanUp() {
        for cleanup in cleanups.reversed() { cleanup() }
        cleanups.removeAll()
    }

    /// A small file on tmpfs (/dev/shm), holding what /proc/uptime holds.
    private static func tmpfsFile() throws -> String {
        let path = "/dev/shm/ukfs-bench-\(getpid())"
        guard FileManager.default.createFile(atPath: path, contents: Data("12345.67 23456.78\n".utf8)) else {
            throw BenchError("cannot write \(path)")
        }
        return path
    }

    /// One line on stderr, with write(2): FileHandle.write traps when stderr is a closed pipe.
    static func progress(_ message: String) {
        let line = Array("ukfs-bench: \(message)\n".utf8)
        _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}
