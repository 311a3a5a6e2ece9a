import CFuse3
import CFuseKernel
import Foundation

/// A FUSE request to answer exactly once, possibly later and from another thread (the low-level
/// API allows it). Sendable so a bridge completion can carry it.
struct FuseRequest: @unchecked Sendable {
    // @unchecked: fuse_req_t is an opaque handle libfuse lets any thread reply to, once.
    let raw: fuse_req_t

    func error(_ errno: Int32) {
        fuse_reply_err(raw, errno)
    }

    func entry(_ attributes: stat, timeout: Double) {
        var parameters = fuse_entry_param()
        parameters.ino = fuse_ino_t(attributes.st_ino)
        parameters.generation = 1
        parameters.attr = attributes
        parameters.attr_timeout = timeout
        parameters.entry_timeout = timeout
        fuse_reply_entry(raw, &parameters)
    }

    func attributes(_ attributes: stat, timeout: Double) {
        var attributes = attributes
        fuse_reply_attr(raw, &attributes, timeout)
    }

    /// Opens a file with procfs semantics — no page cache (values change on every open) — and
    /// `file` in `fi->fh` until RELEASE. Only an open for writing gets a FLUSH at close: a value
    /// written without a newline is set then, and close() returns its errno; a read-only open
    /// spares the request.
    func open(_ file: OpenFile, _ info: fuse_file_info) {
        var info = info
        info.direct_io = 1
        info.noflush = file.writable ? 0 : 1
        info.fh = UInt64(UInt(bitPattern: Unmanaged.passRetained(file).toOpaque()))
        fuse_reply_open(raw, &info)
    }

    /// Opens a file whose reads the kernel serves from backing file `backing` (FUSE passthrough):
    /// no READ of this open reaches the daemon, and `file` waits in `fi->fh` for RELEASE. False
    /// when the kernel did not take the reply (the open was interrupted): no RELEASE will come.
    func openPassthrough(_ file: OpenFile, backing: Int32, _ info: fuse_file_info) -> Bool {
        var info = info
        info.noflush = 1
        info.keep_cache = 0
        let handle = Unmanaged.passRetained(file)
        info.fh = UInt64(UInt(bitPattern: handle.toOpaque()))
        guard ukfs_reply_open_passthrough(raw, &info, backing) == 0 else {
            handle.release()
            return false
        }
        return true
    }

    /// Opens a directory whose listing is `items` behind `.` and `..`, held in `fi->fh` until
    /// RELEASEDIR, so a directory read in several calls is one consistent listing.
    func openDirectory(_ ino: UInt64, parent: UInt64, items: [OpenDirectory.Item], _ info: fuse_file_info) {
        let all =
            [
                OpenDirectory.Item(name: [0x2E], ino: ino, mode: S_IFDIR),
                OpenDirectory.Item(name: [0x2E, 0x2E], ino: parent, mode: S_IFDIR),
            ] + items
        var info = info
        info.fh = UInt64(UInt(bitPattern: Unmanaged.passRetained(OpenDirectory(items: all)).toOpaque()))
        fuse_reply_open(raw, &info)
    }

    func bytes(_ bytes: ArraySlice<UInt8>) {
        bytes.withUnsafeBytes { buffer in
            _ = fuse_reply_buf(raw, buffer.baseAddress?.assumingMemoryBound(to: CChar.self), buffer.count)
        }
    }

    func written(_ count: Int) {
        fuse_reply_write(raw, count)
    }

    func link(_ target: [UInt8]) {
        (target + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { _ = fuse_reply_readlink(raw, $0.baseAddress) }
        }
    }

    func none() {
        fuse_reply_none(raw)
    }
}
