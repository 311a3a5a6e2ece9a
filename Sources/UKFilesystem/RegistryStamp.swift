import Foundation

/// The registry folder's modification time (and identity): what a socket created, removed or
/// renamed in it changes, so a periodic re-scan can tell "nothing happened" with one stat.
struct RegistryStamp: Equatable, Sendable {
    let device: UInt64
    let inode: UInt64
    let seconds: Int
    let nanoseconds: Int

    /// nil when the folder cannot be stat'ed (gone, or not ours to see): scan it anyway.
    init?(folder: String) {
        var info = stat()
        guard stat(folder, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        seconds = info.st_mtim.tv_sec
        nanoseconds = info.st_mtim.tv_nsec
    }
}
