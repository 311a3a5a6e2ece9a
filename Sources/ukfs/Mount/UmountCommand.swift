import ArgumentParser
import Foundation
import UKFilesystem

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
    /// As root the kernel call; otherwise fusermount3, the setuid helper made for this. Only a
    /// ukfs mount: root's umount2 would unmount anything, and a typo must not take a /home away.
    static func unmount(_ path: String) throws {
        try checkIsUkfs(path)
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

    /// Refuses, in one line, a path the kernel's mount table does not list as a ukfs mount (type
    /// fuse.ukfs). Asked of the table, never of the path: a dead server's mount cannot be stat'ed.
    private static func checkIsUkfs(_ path: String) throws {
        let table = MountTable.current()
        // As written, or through its real parent folder (a symlinked /mnt): the table has real paths.
        let url = URL(fileURLWithPath: path)
        var candidates = [path]
        if let parent = realpath(url.deletingLastPathComponent().path, nil) {
            candidates.append(String(cString: parent) + "/" + url.lastPathComponent)
            free(parent)
        }
        guard let mount = candidates.lazy.compactMap({ table.mount(at: $0) }).first else {
            throw CLIError("\(path) is not a mountpoint — nothing to unmount")
        }
        guard mount.type == "fuse.ukfs" else {
            throw CLIError(
                "\(path) is a \(mount.type) mount, not a ukfs one — refusing to unmount it (umount(8) unmounts other filesystems)")
        }
    }
}
