import Foundation

/// The density section's processes: a fleet (`ukfs sim --fleet`), one `mount --all` and an
/// `export --all`, all on a registry folder of the run's own — on tmpfs, as the default registry
/// is (`/run/ukfs`, `$XDG_RUNTIME_DIR/ukfs`): every line held is a lock file and a share socket
/// created there, and on this machine's ext4 `/tmp` those tripled a first scrape of 1,024 instances
/// (1.1 s → 2.9–3.1 s, the difference all system time, varying with other processes' disk writes).
struct FleetRegistry {
    let folder: String
    var environment: [String: String] { ["UKFS_RUNTIME_DIR": folder] }

    init(_ workspace: Workspace) throws {
        var template = Array("/dev/shm/ukfs-bench-fleet-XXXXXX".utf8CString)
        if let made = mkdtemp(&template) {
            folder = String(cString: made)
            chmod(folder, 0o700)
        } else {
            folder = workspace.path("fleet-registry")
            guard mkdir(folder, 0o700) == 0 || errno == EEXIST else { throw BenchError("cannot create \(folder)") }
        }
    }

    func remove() { try? FileManager.default.removeItem(atPath: folder) }

    /// Sockets in the folder whose name starts with `prefix`.
    func sockets(prefix: String) -> Int {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return files.filter { $0.hasPrefix(prefix) && $0.hasSuffix(".sock") }.count
    }
}

/// `ukfs sim --fleet N BASE`: BASE-1 … BASE-N from one process.
final class FleetSim {
    let size: Int
    let base: String
    private let process: Process
    /// When the last member's socket was seen in the registry.
    let socketsReady: Double

    init(_ workspace: Workspace, registry: FleetRegistry, size: Int, base: String) throws {
        self.size = size
        self.base = base
        process = try Programs.start(
            [workspace.ukfs, "sim", "--fleet", String(size), base, "--log-level", "warning"],
            environment: registry.environment)
        guard Programs.eventually(within: 300, { registry.sockets(prefix: base + "-") == size }) else {
            Programs.stop(process)
            throw BenchError("ukfs sim --fleet \(size) did not register its sockets in \(registry.folder)")
        }
        socketsReady = Clock.seconds()
    }

    func name(_ index: Int) -> String { "\(base)-\(index)" }

    /// SIGTERM: the fleet removes its sockets as it goes.
    func stop() { Programs.stop(process, grace: 30) }
}

/// `ukfs mount --all MOUNTPOINT -f`: the daemon is our child, so its figures can be read.
final class FleetMount {
    let mountpoint: String
    private let process: Process
    private let ukfs: String

    init(_ workspace: Workspace, registry: FleetRegistry) throws {
        ukfs = workspace.ukfs
        mountpoint = try workspace.directory("mnt-all")
        process = try Programs.start([ukfs, "mount", "--all", mountpoint, "-f"], environment: registry.environment)
        guard Programs.eventually(within: 15, { Mountpoints.isMounted(mountpoint) }) else {
            Programs.stop(process)
            throw BenchError("ukfs mount --all at \(mountpoint) did not come up")
        }
    }

    var pid: pid_t { process.processIdentifier }

    /// Instance folders `ls MOUNTPOINT` shows now.
    func folders() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: mountpoint)) ?? []).filter { !$0.hasPrefix(".") }
    }

    func stop() {
        _ = try? Programs.run([ukfs, "umount", mountpoint])
        if !Programs.eventually(within: 10, { !process.isRunning }) {
            Mountpoints.lazyUnmount(mountpoint)
        }
        Programs.stop(process)
    }
}

/// `ukfs export --all --listen 127.0.0.1:0`, scraped with curl.
final class FleetExporter {
    let url: String
    private let process: Process

    init(_ workspace: Workspace, registry: FleetRegistry) throws {
        let output = workspace.path("export.out")
        process = try Programs.start(
            [workspace.ukfs, "export", "--all", "--listen", "127.0.0.1:0"],
            environment: registry.environment, outputPath: output)
        var found: String?
        _ = Programs.eventually(within: 15) {
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            found = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).first { $0.hasPrefix("http://") }.map(String.init)
            return found != nil
        }
        guard let found else {
            Programs.stop(process)
            throw BenchError("ukfs export --all did not say where it listens (see \(output))")
        }
        url = found
    }

    var pid: pid_t { process.processIdentifier }

    struct Scrape: Codable {
        let seconds: Double
        let bytes: Int
        let samples: Int
        /// Instances whose ukfs_up is 1.
        let up: Int
    }

    /// One GET /metrics; curl's own time for it (no process start counted).
    func scrape(into path: String) throws -> Scrape {
        guard let curl = Programs.which("curl") else { throw BenchError("curl is not installed") }
        let output = try Programs.run([curl, "-sf", "--max-time", "120", "-o", path, "-w", "%{time_total}", url])
        guard output.status == 0, let seconds = Double(output.text.trimmingCharacters(in: .whitespacesAndNewlines)),
            let body = FileManager.default.contents(atPath: path)
        else {
            throw BenchError("scraping \(url) failed (curl status \(output.status))")
        }
        var samples = 0
        var up = 0
        for line in body.split(separator: UInt8(ascii: "\n")) where line.first != UInt8(ascii: "#") {
            samples += 1
            if line.starts(with: Array("ukfs_up{".utf8)) && line.last == UInt8(ascii: "1") { up += 1 }
        }
        return Scrape(seconds: seconds, bytes: body.count, samples: samples, up: up)
    }

    func stop() { Programs.stop(process) }
}

/// What a daemon holds, from /proc.
struct ProcessFigures: Codable {
    let rssKiB: Int
    let descriptors: Int
    let threads: Int
    /// Threads the daemon starts itself: NIO event loops and its own (main and FUSE workers, named
    /// `ukfs`); the rest are the Swift runtime's pool, which grows and shrinks with async work.
    let ownThreads: Int

    static func of(_ pid: pid_t) -> ProcessFigures {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        func field(_ name: String) -> Int {
            let line = status.split(separator: "\n").first { $0.hasPrefix(name + ":") } ?? ""
            return line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap { Int($0) } ?? 0
        }
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd"))?.count ?? 0
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        let own = tasks.filter { task in
            let name = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/comm", encoding: .utf8)) ?? ""
            return name.hasPrefix("NIO-ELT") || name.hasPrefix("ukfs")
        }.count
        return ProcessFigures(rssKiB: field("VmRSS"), descriptors: descriptors, threads: field("Threads"), ownThreads: own)
    }

    /// Inodes the kernel has allocated, machine-wide (/proc/sys/fs/inode-nr: allocated minus free).
    static func kernelInodes() -> Int {
        let text = (try? String(contentsOfFile: "/proc/sys/fs/inode-nr", encoding: .utf8)) ?? ""
        let numbers = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).compactMap { Int($0) }
        return numbers.count >= 2 ? numbers[0] - numbers[1] : 0
    }
}
