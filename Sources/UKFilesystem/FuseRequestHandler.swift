import CFuse3
import Foundation

/// What answers the FUSE requests of one mount: a `StoreFilesystem` (one instance at the root), or
/// the `--all` dispatcher, which answers for the root itself and routes everything else by inode
/// to the instance that owns it. READ and READDIR are not here: they are answered from the
/// per-open handle alone (`ValueSnapshot.read`, `StoreFilesystem.readdir`).
protocol FuseRequestHandler: AnyObject, Sendable {
    var readOnly: Bool { get }
    /// Requests waiting on a guest; one table per mount, since libfuse's interrupt callback finds
    /// it through the session's userdata.
    var interrupts: InterruptibleRequests { get }

    func lookup(_ request: FuseRequest, parent: UInt64, name: [UInt8])
    func forget(_ ino: UInt64, count: UInt64)
    func getattr(_ request: FuseRequest, ino: UInt64)
    func setattr(_ request: FuseRequest, ino: UInt64, toSet: Int32, size: off_t)
    func readlink(_ request: FuseRequest, ino: UInt64)
    func opendir(_ request: FuseRequest, ino: UInt64, info: fuse_file_info)
    func open(_ request: FuseRequest, ino: UInt64, info: fuse_file_info)
    func write(_ request: FuseRequest, bytes: UnsafeRawBufferPointer, offset: Int, file: OpenFile)
    func flush(_ request: FuseRequest, file: OpenFile)
    func getxattr(_ request: FuseRequest, ino: UInt64, name: [UInt8], size: Int)
    func listxattr(_ request: FuseRequest, ino: UInt64, size: Int)
}

/// The session's userdata: C holds one plain pointer, and an existential is two words and a
/// witness table, so it travels in a box.
final class FuseHandlerBox: Sendable {
    let handler: any FuseRequestHandler
    init(_ handler: any FuseRequestHandler) { self.handler = handler }
}
