import CFuse3
import Foundation

/// File attributes of the mounted tree: directories 0555, entries 0444 or 0644 (0200 for a
/// write-only entry), aliases as symlinks; owned by the mounting user; size 0 for values, as in
/// /proc, since a value's length is only known when it is read.
struct Attributes: Sendable {
    let uid: uid_t
    let gid: gid_t
    let mountTime: timespec

    init() {
        uid = getuid()
        gid = getgid()
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        mountTime = now
    }

    func of(_ node: Node) -> stat {
        var attributes = stat()
        attributes.st_ino = ino_t(node.ino)
        attributes.st_uid = uid
        attributes.st_gid = gid
        attributes.st_atim = mountTime
        attributes.st_mtim = mountTime
        attributes.st_ctim = mountTime
        attributes.st_blksize = 4096
        attributes.st_mode = Self.mode(of: node.kind)
        switch node.kind {
        case .root, .library, .object, .metaFolder:
            attributes.st_nlink = 2
        case .alias(let target):
            attributes.st_nlink = 1
            attributes.st_size = off_t(target.count)
        case .entry, .metaFile, .rootMetaFile:
            attributes.st_nlink = 1
        }
        return attributes
    }

    static func mode(of kind: NodeKind) -> mode_t {
        switch kind {
        case .root, .library, .object, .metaFolder:
            return S_IFDIR | 0o555
        case .alias:
            return S_IFLNK | 0o777
        case .metaFile, .rootMetaFile:
            return S_IFREG | 0o444
        case .entry(_, _, let access):
            var mode: mode_t = S_IFREG
            if access.contains(.readable) { mode |= 0o444 }
            if access.contains(.writable) { mode |= 0o200 }
            return mode
        }
    }
}
