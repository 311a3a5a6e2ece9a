import Foundation
import Logging
import NIOPosix
import UKBridgeClient

/// A guest on a private socket: the Swift simulator (`ukfs sim`) or the C agent's host build.
final class Guest {
    let socket: String
    private let process: Process

    private init(socket: String, process: Process) {
        self.socket = socket
        self.process = process
    }

    static func simulator(_ workspace: Workspace, name: String, scale: Int = 0) throws -> Guest {
        let socket = workspace.path(name + ".sock")
        var arguments = [workspace.ukfs, "sim", name, "--socket", socket, "--log-level", "warning"]
        if scale > 0 { arguments += ["--scale", String(scale)] }
        return try start(arguments, socket: socket)
    }

    static func agent(_ workspace: Workspace, binary: String, name: String) throws -> Guest {
        let socket = workspace.path(name + ".sock")
        return try start([binary, "--socket", socket, "--name", name], socket: socket)
    }

    private static func start(_ arguments: [String], socket: String) throws -> Guest {
        let process = try Programs.start(arguments)
        guard Programs.eventually(within: 10, { FileManager.default.fileExists(atPath: socket) }) else {
            Programs.stop(process)
            throw BenchError("\(arguments[0]) did not create \(socket)")
        }
        return Guest(socket: socket, process: process)
    }

    func stop() { Programs.stop(process) }

    var pid: pid_t { process.processIdentifier }

    /// A bridge connection of the benchmark's own to a guest's socket, for `purpose`'s figures.
    static func connect(socket: String, purpose: String) async throws -> BridgeConnection {
        var logger = Logger(label: "ukfs-bench")
        logger.logLevel = .critical
        do {
            // NIO's shared group: its one-per-core threads live as long as the process.
            return try await BridgeConnection.connect(
                to: .unix(path: socket), group: MultiThreadedEventLoopGroup.singleton,
                timeout: .seconds(5), logger: logger)
        } catch {
            throw BenchError("\(purpose): \(error.description)")
        }
    }
}

/// A real `ukfs mount … -f` of a guest, its daemon a child of ours so its memory can be read.
final class UkfsMount {
    let mountpoint: String
    private let process: Process
    private let ukfs: String

    init(_ workspace: Workspace, guest: Guest, name: String, options: [String] = []) throws {
        ukfs = workspace.ukfs
        mountpoint = try workspace.directory(name)
        process = try Programs.start([ukfs, "mount", "unix:" + guest.socket, mountpoint, "-f"] + options)
        guard Programs.eventually(within: 15, { Mountpoints.isMounted(mountpoint) }) else {
            Programs.stop(process)
            throw BenchError("ukfs mount of \(guest.socket) at \(mountpoint) did not come up")
        }
    }

    var pid: pid_t { process.processIdentifier }

    /// Which way its reads go, as its `.ukfs/io` says.
    var readPath: String {
        ((try? String(contentsOfFile: mountpoint + "/.ukfs/io", encoding: .utf8)) ?? "unknown")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The daemon's peak resident memory (VmHWM), in bytes.
    var peakRSS: Int? { ProcessMemory.peakRSS(of: pid) }

    func stop() {
        _ = try? Programs.run([ukfs, "umount", mountpoint])
        if !Programs.eventually(within: 5, { !process.isRunning }) {
            Mountpoints.lazyUnmount(mountpoint)
        }
        Programs.stop(process)
    }
}

enum Mountpoints {
    static func isMounted(_ path: String) -> Bool {
        let table = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
        return table.split(separator: "\n").contains { line in
            let fields = line.split(separator: " ")
            return fields.count > 4 && fields[4] == path
        }
    }

    static func lazyUnmount(_ path: String) {
        _ = try? Programs.run(["/bin/umount", "-l", path])
    }
}

enum ProcessMemory {
    /// `VmHWM` of /proc/PID/status, in bytes.
    static func peakRSS(of pid: pid_t) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
            return kilobytes.map { $0 * 1024 }
        }
        return nil
    }
}
