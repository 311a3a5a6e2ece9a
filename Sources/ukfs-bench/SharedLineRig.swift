import Foundation

/// A guest with one line, shared: a one-client simulator registered in a registry of the run's
/// own, a mount that holds its line, and a second mount that reads through the first one's share.
/// Beside it, an identical guest that nobody holds, for what a command costs alone.
final class SharedLineRig {
    let registry: String
    let holderMount: String
    let clientMount: String
    var share: String { registry + "/shared.share" }
    var environment: [String: String] { ["UKFS_RUNTIME_DIR": registry] }
    private let ukfs: String
    private var processes: [Process] = []
    private var mounts: [String] = []

    init(_ workspace: Workspace) throws {
        ukfs = workspace.ukfs
        registry = try workspace.directory("registry")
        chmod(registry, 0o700)
        holderMount = try workspace.directory("mnt-holder")
        clientMount = try workspace.directory("mnt-shared")
        do {
            for name in ["shared", "alone"] {
                try start([ukfs, "sim", name, "--one-client", "--log-level", "warning"])
                guard Programs.eventually(within: 10, { FileManager.default.fileExists(atPath: self.registry + "/\(name).sock") }) else {
                    throw BenchError("ukfs sim \(name) --one-client did not register")
                }
            }
            for mountpoint in [holderMount, clientMount] {
                try start([ukfs, "mount", "shared", mountpoint, "-f"])
                guard Programs.eventually(within: 15, { Mountpoints.isMounted(mountpoint) }) else {
                    throw BenchError("ukfs mount shared \(mountpoint) did not come up")
                }
                mounts.append(mountpoint)
            }
        } catch {
            stop()
            throw error
        }
    }

    private func start(_ arguments: [String]) throws {
        processes.append(try Programs.start(arguments, environment: environment))
    }

    /// Runs `ukfs ARGUMENTS` in the rig's registry; true when it succeeded.
    func ukfsCommand(_ arguments: [String]) -> Bool {
        (try? Programs.run([ukfs] + arguments, environment: environment))?.status == 0
    }

    func stop() {
        for mountpoint in mounts.reversed() {
            _ = try? Programs.run([ukfs, "umount", mountpoint])
        }
        for process in processes.reversed() { Programs.stop(process) }
        for mountpoint in mounts where Mountpoints.isMounted(mountpoint) { Mountpoints.lazyUnmount(mountpoint) }
        processes.removeAll()
        mounts.removeAll()
    }
}
