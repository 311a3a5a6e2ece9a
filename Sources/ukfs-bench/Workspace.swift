import Foundation

/// Where a run keeps its sockets and mountpoints (a fresh temporary folder), and the programs it
/// measures: the `ukfs` built beside this executable, the C agent's host build.
struct Workspace {
    let folder: String
    let ukfs: String
    let packageRoot: String

    init() throws {
        var template = Array((FileManager.default.temporaryDirectory.path + "/ukfs-bench-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw BenchError("cannot create a temporary folder") }
        folder = String(cString: made)
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        let binFolder = URL(fileURLWithPath: exe).deletingLastPathComponent().path
        ukfs = ProcessInfo.processInfo.environment["UKFS_BIN"] ?? binFolder + "/ukfs"
        guard FileManager.default.isExecutableFile(atPath: ukfs) else {
            throw BenchError("no ukfs at \(ukfs) — build it (swift build -c release) or set UKFS_BIN")
        }
        // …/.build/<triple>/release/ukfs-bench: the package is above .build.
        var root = URL(fileURLWithPath: binFolder)
        while root.path != "/" && root.lastPathComponent != ".build" { root.deleteLastPathComponent() }
        packageRoot = root.path == "/" ? FileManager.default.currentDirectoryPath : root.deletingLastPathComponent().path
    }

    func path(_ name: String) -> String { folder + "/" + name }

    func directory(_ name: String) throws -> String {
        let path = path(name)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Builds the C guest agent's host build with its own make rule; nil (and why) when it fails.
    func buildAgent() -> (path: String?, why: String) {
        let host = packageRoot + "/examples/unikraft/host"
        guard let make = Programs.which("make") else { return (nil, "make is not installed") }
        guard let output = try? Programs.run([make, "-s", "-C", host, "agent"]), output.status == 0 else {
            return (nil, "make -C \(host) agent failed")
        }
        let agent = host + "/build/ukstore-agent-host"
        return FileManager.default.isExecutableFile(atPath: agent) ? (agent, "") : (nil, "no \(agent) after make")
    }
}
