import ArgumentParser
import Foundation

struct UmountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "umount",
        abstract: "Unmount a ukfs mount; its background server then exits.")

    @Argument(help: "Where the instance is mounted.", completion: .custom(Completions.mountpoints))
    var mountpoint: String

    func run() async throws {
        try await reportingErrors {
            try Unmounter.unmount(MountCommand.absolute(mountpoint))
        }
    }
}

enum Unmounter {
    /// As root the kernel call; otherwise fusermount3, the setuid helper made for this.
    static func unmount(_ path: String) throws {
        if getuid() == 0 {
            guard umount2(path, 0) != 0 else { return }
            let failure = errno
            switch failure {
            case EINVAL: throw CLIError("\(path) is not a mountpoint — nothing to unmount")
            case EBUSY: throw CLIError("\(path) is busy: a process uses it (see fuser -vm \(path)); close it and retry")
            case ENOENT: throw CLIError("\(path) does not exist")
            default: throw CLIError("cannot unmount \(path): \(String(cString: strerror(failure)))")
            }
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/fusermount3")
        process.arguments = ["-u", path]
        do { try process.run() } catch { throw CLIError("cannot run fusermount3: \(error) — install fuse3") }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CLIError("fusermount3 could not unmount \(path) (see its message above)") }
    }
}
