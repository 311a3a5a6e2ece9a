import Foundation

/// Debian's LXCFS, the peer: installed when missing, run in the foreground on a private
/// mountpoint with a private pidfile, stopped after.
final class LXCFS {
    let mountpoint: String
    private let process: Process

    var uptime: String { mountpoint + "/proc/uptime" }

    init(_ workspace: Workspace) throws {
        let binary = try Self.installed()
        mountpoint = try workspace.directory("lxcfs")
        process = try Programs.start([binary, "-f", "-p", workspace.path("lxcfs.pid"), mountpoint])
        guard Programs.eventually(within: 15, { FileManager.default.fileExists(atPath: mountpoint + "/proc/uptime") }) else {
            Programs.stop(process)
            Mountpoints.lazyUnmount(mountpoint)
            throw BenchError("lxcfs did not serve \(mountpoint)/proc/uptime")
        }
    }

    private static func installed() throws -> String {
        if let binary = Programs.which("lxcfs") { return binary }
        BenchRun.progress("installing lxcfs (apt-get install -y lxcfs)")
        guard let aptGet = Programs.which("apt-get"),
            let output = try? Programs.run([aptGet, "install", "-y", "lxcfs"], verbose: true), output.status == 0,
            let binary = Programs.which("lxcfs")
        else {
            throw BenchError("cannot install lxcfs with apt-get (root and Debian needed)")
        }
        return binary
    }

    func stop() {
        Programs.stop(process)
        if Mountpoints.isMounted(mountpoint) { Mountpoints.lazyUnmount(mountpoint) }
    }
}
