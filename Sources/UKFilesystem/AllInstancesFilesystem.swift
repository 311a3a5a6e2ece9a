import CFuse3
import Foundation

/// The `mount --all` dispatcher: answers for the mount root (instance folders and the root's
/// `.ukfs/`) itself and routes every other request, by the inode's slot (InodeSpace), to the
/// StoreFilesystem of the instance that owns it. A request for a slot whose instance is gone gets
/// ENOENT (EIO for a write through a file opened before), and its FORGETs are dropped: the slot is
/// never reused, and its table went with the instance.
final class AllInstancesFilesystem: FuseRequestHandler {
    /// Instance folders are invalidated when they go (notifier thread); the short timeout bounds
    /// how long a lost notification could keep a vanished folder in the kernel's cache.
    static let folderTimeout = 1.0

    let instances: InstanceSet
    let readOnly: Bool
    let interrupts: InterruptibleRequests
    private let attributes = Attributes()

    init(instances: InstanceSet, readOnly: Bool, interrupts: InterruptibleRequests) {
        self.instances = instances
        self.readOnly = readOnly
        self.interrupts = interrupts
    }

    /// The instance owning `ino`, or nil for the root's own nodes and for instances that left.
    private func owner(of ino: UInt64) -> StoreFilesystem? {
        let slot = InodeSpace.slot(of: ino)
        guard slot != InodeSpace.rootSlot else { return nil }
        return instances.instance(inSlot: slot)?.filesystem
    }

    private func isRootNode(_ ino: UInt64) -> Bool {
        InodeSpace.slot(of: ino) == InodeSpace.rootSlot
    }

    /// The one routing rule: a request about one of the root's own nodes is answered by `own`;
    /// any other goes to the instance owning `ino`, or fails with `gone` when that instance left.
    private func route(
        _ request: FuseRequest, _ ino: UInt64, gone: Int32 = ENOENT,
        toOwner: (StoreFilesystem) -> Void, own: () -> Void
    ) {
        guard !isRootNode(ino) else { return own() }
        guard let owner = owner(of: ino) else { return request.error(gone) }
        toOwner(owner)
    }

    /// The root's own nodes: the root, its `.ukfs/`, and the files in it.
    private func rootNode(_ ino: UInt64) -> Node? {
        switch ino {
        case RootMetaFile.rootIno:
            return Node(ino: ino, parent: ino, name: [], kind: .root)
        case RootMetaFile.folderIno:
            return Node(ino: ino, parent: RootMetaFile.rootIno, name: NodeChildren.metaFolderName, kind: .metaFolder)
        default:
            return RootMetaFile(ino: ino).map {
                Node(ino: ino, parent: RootMetaFile.folderIno, name: Array($0.rawValue.utf8), kind: .rootMetaFile($0))
            }
        }
    }

    // MARK: names

    func lookup(_ request: FuseRequest, parent: UInt64, name: [UInt8]) {
        route(request, parent, toOwner: { $0.lookup(request, parent: parent, name: name) }) {
            lookupInRoot(request, parent: parent, name: name)
        }
    }

    private func lookupInRoot(_ request: FuseRequest, parent: UInt64, name: [UInt8]) {
        switch parent {
        case RootMetaFile.rootIno:
            if name == NodeChildren.metaFolderName, let folder = rootNode(RootMetaFile.folderIno) {
                return request.entry(attributes.of(folder), timeout: StoreFilesystem.cacheTimeout)
            }
            guard let instance = instances.instance(named: String(decoding: name, as: UTF8.self)),
                let folder = instance.rootAttributes
            else { return request.error(ENOENT) }
            request.entry(folder, timeout: Self.folderTimeout)
        case RootMetaFile.folderIno:
            guard let file = RootMetaFile(rawValue: String(decoding: name, as: UTF8.self)),
                let node = rootNode(file.ino)
            else { return request.error(ENOENT) }
            request.entry(attributes.of(node), timeout: StoreFilesystem.cacheTimeout)
        default:
            request.error(rootNode(parent) == nil ? ENOENT : ENOTDIR)
        }
    }

    func forget(_ ino: UInt64, count: UInt64) {
        owner(of: ino)?.forget(ino, count: count)
    }

    func getattr(_ request: FuseRequest, ino: UInt64) {
        route(request, ino, toOwner: { $0.getattr(request, ino: ino) }) {
            guard let node = rootNode(ino) else { return request.error(ENOENT) }
            let timeout = ino == RootMetaFile.rootIno ? Self.folderTimeout : StoreFilesystem.cacheTimeout
            request.attributes(attributes.of(node), timeout: timeout)
        }
    }

    func setattr(_ request: FuseRequest, ino: UInt64, toSet: Int32, size: off_t) {
        route(request, ino, toOwner: { $0.setattr(request, ino: ino, toSet: toSet, size: size) }) {
            // The root's own files are read-only descriptions of the mount.
            request.error(readOnly ? EROFS : EACCES)
        }
    }

    func readlink(_ request: FuseRequest, ino: UInt64) {
        // The root has no symlinks of its own.
        route(request, ino, toOwner: { $0.readlink(request, ino: ino) }) { request.error(EINVAL) }
    }

    // MARK: directories and files

    func opendir(_ request: FuseRequest, ino: UInt64, info: fuse_file_info) {
        route(request, ino, toOwner: { $0.opendir(request, ino: ino, info: info) }) {
            opendirInRoot(request, ino: ino, info: info)
        }
    }

    private func opendirInRoot(_ request: FuseRequest, ino: UInt64, info: fuse_file_info) {
        let items: [OpenDirectory.Item]
        switch ino {
        case RootMetaFile.rootIno:
            items =
                [OpenDirectory.Item(name: NodeChildren.metaFolderName, ino: RootMetaFile.folderIno, mode: S_IFDIR)]
                + instances.all().map { OpenDirectory.Item(name: Array($0.name.utf8), ino: $0.root, mode: S_IFDIR) }
        case RootMetaFile.folderIno:
            items = RootMetaFile.allCases.map { OpenDirectory.Item(name: Array($0.rawValue.utf8), ino: $0.ino, mode: S_IFREG) }
        default:
            return request.error(rootNode(ino) == nil ? ENOENT : ENOTDIR)
        }
        request.openDirectory(ino, parent: RootMetaFile.rootIno, items: items, info)
    }

    func open(_ request: FuseRequest, ino: UInt64, info: fuse_file_info) {
        route(request, ino, toOwner: { $0.open(request, ino: ino, info: info) }) {
            guard let node = rootNode(ino) else { return request.error(ENOENT) }
            guard case .rootMetaFile(let file) = node.kind else { return request.error(EISDIR) }
            guard info.flags & O_ACCMODE == O_RDONLY else { return request.error(EACCES) }
            request.open(OpenFile(node: node, snapshot: ValueSnapshot(file.contents(of: instances)), writable: false), info)
        }
    }

    // A file opened before its instance left the mount writes and closes as if its guest went away (EIO).

    func write(_ request: FuseRequest, bytes: UnsafeRawBufferPointer, offset: Int, file: OpenFile) {
        route(request, file.node.ino, gone: EIO, toOwner: { $0.write(request, bytes: bytes, offset: offset, file: file) }) {
            request.error(EBADF)
        }
    }

    func flush(_ request: FuseRequest, file: OpenFile) {
        // Only opens for writing get a FLUSH (FuseRequest.open); the root's files are read-only.
        guard file.writable else { return request.error(0) }
        route(request, file.node.ino, gone: EIO, toOwner: { $0.flush(request, file: file) }) { request.error(0) }
    }

    func getxattr(_ request: FuseRequest, ino: UInt64, name: [UInt8], size: Int) {
        route(request, ino, toOwner: { $0.getxattr(request, ino: ino, name: name, size: size) }) {
            request.error(rootNode(ino) == nil ? ENOENT : ENODATA)
        }
    }

    func listxattr(_ request: FuseRequest, ino: UInt64, size: Int) {
        route(request, ino, toOwner: { $0.listxattr(request, ino: ino, size: size) }) {
            guard rootNode(ino) != nil else { return request.error(ENOENT) }
            request.xattr([], size: size)
        }
    }
}
