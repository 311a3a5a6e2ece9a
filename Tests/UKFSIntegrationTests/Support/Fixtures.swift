import Foundation
import Synchronization

/// Paths of the package and the programs under test.
enum Paths {
    static let packageRoot = URL(fileURLWithPath: #filePath)   // Tests/UKFSIntegrationTests/Support/Fixtures.swift
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The `ukfs` built beside this test bundle (`swift test` builds it: this target depends on it).
    static let ukfs: String = {
        if let explicit = ProcessInfo.processInfo.environment["UKFS_BIN"] { return explicit }
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        var folder = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // The runner may live inside a bundle folder (…/ukfsPackageTests.xctest/…).
        while !folder.path.isEmpty && folder.path != "/" {
            let candidate = folder.appendingPathComponent("ukfs").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return packageRoot + "/.build/debug/ukfs"
    }()

    static let agentHost = packageRoot + "/examples/unikraft/host/build/ukstore-agent-host"
}

/// Which guest answers the mount: the Swift simulator, or the host build of the C guest agent.
enum Backend: String, CaseIterable, CustomStringConvertible, Sendable {
    case simulator
    case cAgent = "c-agent"

    var description: String { rawValue }

    /// The C agent is built once per test run, with the same make rule a user runs.
    private static let agentBuild: Shell.Output = Shell.run(
        "make -s -C '\(Paths.packageRoot)/examples/unikraft/host' agent 2>&1", timeout: 300)

    func command(name: String, socket: String) throws -> [String] {
        switch self {
        case .simulator:
            // One connection at a time, as a real guest's line (QEMU's chardev, the C agent's host
            // build): commands reach a guest that is in use through its holder's share.
            return [Paths.ukfs, "sim", name, "--socket", socket, "--one-client", "--log-level", "warning"]
        case .cAgent:
            let build = Self.agentBuild
            guard build.status == 0 else { throw FixtureError("make agent failed: \(build)") }
            return [Paths.agentHost, "--socket", socket, "--name", name]
        }
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A guest (simulator or C agent) on a private socket, and optionally a real FUSE mount of it made
/// by the real `ukfs mount`. Everything lives in a fresh temporary folder; `stop()` unmounts and
/// ends the processes, and is called by every test through `defer`, also when it fails.
final class Instance: @unchecked Sendable {
    // @unchecked: used from one test at a time.
    let folder: String
    let name: String
    let socket: String
    let mountpoint: String
    let registry: String
    let backend: Backend
    private var guest: pid_t?
    var mounted = false

    init(_ backend: Backend = .simulator, name: String = "vm1") throws {
        self.backend = backend
        self.name = name
        let template = FileManager.default.temporaryDirectory.appendingPathComponent("ukfs-test-XXXXXX").path
        var bytes = Array(template.utf8CString)
        guard let made = mkdtemp(&bytes) else { throw FixtureError("mkdtemp failed") }
        folder = String(cString: made)
        registry = folder + "/registry"
        mountpoint = folder + "/mnt"
        socket = registry + "/" + name + ".sock"
        try FileManager.default.createDirectory(
            atPath: registry, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        try FileManager.default.createDirectory(atPath: mountpoint, withIntermediateDirectories: true)
    }

    /// The environment every `ukfs` command of this test runs in: its own registry folder.
    var environment: [String: String] { ["UKFS_RUNTIME_DIR": registry] }

    func startGuest() throws {
        let arguments = try backend.command(name: name, socket: socket)
        guard let pid = Shell.spawn(arguments, environment: environment) else {
            throw FixtureError("cannot start \(arguments[0])")
        }
        guest = pid
        guard Shell.eventually(within: 10, { FileManager.default.fileExists(atPath: socket) }) else {
            throw FixtureError("\(backend) did not create \(socket)")
        }
    }

    /// Starts the guest and mounts it with `ukfs mount NAME MOUNTPOINT` (background mode).
    @discardableResult
    func mount(options: [String] = []) throws -> Instance {
        if guest == nil { try startGuest() }
        let result = ukfs(["mount", name, mountpoint] + options)
        guard result.status == 0 else { throw FixtureError("ukfs mount failed: \(result)") }
        mounted = true
        return self
    }

    /// Mounts a guest the test started itself (e.g. a HostileGuest on `socket`).
    func mountOnly(options: [String] = []) throws {
        let result = ukfs(["mount", name, mountpoint] + options)
        guard result.status == 0 else { throw FixtureError("ukfs mount failed: \(result)") }
        mounted = true
    }

    /// Starts `ukfs ARGUMENTS` (a foreground mount, or the demo) and waits until the kernel lists
    /// the mount; returns the process id, nil if it never mounted.
    func spawnMounting(_ arguments: [String]) -> pid_t? {
        guard let pid = Shell.spawn([Paths.ukfs] + arguments, environment: environment) else { return nil }
        guard Shell.eventually(within: 10, { isMountedInKernel }) else {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            return nil
        }
        return pid
    }

    /// Runs the built `ukfs` with this test's registry.
    @discardableResult
    func ukfs(_ arguments: [String], timeout: Double = 20) -> Shell.Output {
        Shell.run([Paths.ukfs] + arguments, environment: environment, timeout: timeout)
    }

    /// Runs a shell script with `$M` set to the mountpoint.
    @discardableResult
    func sh(_ script: String, timeout: Double = 20) -> Shell.Output {
        Shell.run(script, environment: environment.merging(["M": mountpoint]) { $1 }, timeout: timeout)
    }

    func read(_ path: String) -> String {
        sh("cat \"$M/\(path)\"").stdout
    }

    /// Stops the guest (SIGTERM, then SIGKILL after 5 s) and reaps it; returns its exit status.
    @discardableResult
    func stopGuest() -> Int32? {
        guard let guest else { return nil }
        self.guest = nil
        return Shell.terminate(guest)
    }

    func stop() {
        if mounted {
            if ukfs(["umount", mountpoint], timeout: 10).status != 0 {
                Shell.run(["/bin/umount", "-l", mountpoint], timeout: 10)
            }
            mounted = false
        }
        stopGuest()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Whether the kernel lists our mountpoint (after umount it must not).
    var isMountedInKernel: Bool {
        let table = (try? String(contentsOfFile: "/proc/mounts", encoding: .utf8)) ?? ""
        return table.split(separator: "\n").contains { $0.split(separator: " ").dropFirst().first.map(String.init) == mountpoint }
    }
}
