import CFuse3
import Foundation
import Logging
import UKBridge
import UKBridgeClient
import UKGuestTree

/// The filesystem's operations over the node table, kept true by the live tree, and the guest's
/// line. Each method answers its
/// FUSE request exactly once: at once from the cache, or later when the guest has answered.
final class StoreFilesystem: FuseRequestHandler, Sendable {
    /// How long the kernel may keep names and attributes: long, since invalidation keeps them true;
    /// still bounded, should a notification ever be lost.
    static let cacheTimeout = 60.0

    let tree: NodeTable
    let liveTree: LiveTree
    let line: GuestLink
    let status: MountStatus
    let attributes = Attributes()
    let readOnly: Bool
    /// Shared by every instance of a `mount --all`: libfuse's interrupt callback finds the table
    /// through the session's one userdata.
    let interrupts: InterruptibleRequests
    /// Serves read-only opens by FUSE passthrough when the mount has it; nil in tests without FUSE.
    let passthrough: PassthroughFiles?
    private let logger: Logger

    init(
        liveTree: LiveTree, line: GuestLink, status: MountStatus, readOnly: Bool, logger: Logger,
        interrupts: InterruptibleRequests = InterruptibleRequests(), passthrough: PassthroughFiles? = nil
    ) {
        self.interrupts = interrupts
        self.passthrough = passthrough
        self.tree = liveTree.nodes
        self.liveTree = liveTree
        self.line = line
        self.status = status
        self.readOnly = readOnly
        self.logger = logger
    }

    // MARK: names

    func lookup(_ request: FuseRequest, parent: UInt64, name: [UInt8]) {
        // Entering a `mount --all` folder that is not connected connects it first, so its
        // `.ukfs/state` and its listing are the guest's of now.
        if parent == tree.root, line.isDormant {
            return interruptibly(request) { answer in
                line.wake { [self] _ in answer { request in lookupNow(request, parent: parent, name: name) } }
            }
        }
        lookupNow(request, parent: parent, name: name)
    }

    private func lookupNow(_ request: FuseRequest, parent: UInt64, name: [UInt8]) {
        switch tree.child(of: parent, named: name, countingLookup: true) {
        case .found(let node):
            request.entry(attributes.of(node), timeout: Self.cacheTimeout)
        case .missing:
            request.error(ENOENT)
        case .notADirectory:
            request.error(ENOTDIR)
        case .notListed:
            interruptibly(request) { answer in
                liveTree.ensureListed(parent) { [self] failure in
                    answer { request in
                        if let failure { return request.error(failure) }
                        guard case .found(let node) = tree.child(of: parent, named: name, countingLookup: true) else {
                            return request.error(ENOENT)
                        }
                        request.entry(attributes.of(node), timeout: Self.cacheTimeout)
                    }
                }
            }
        }
    }

    func forget(_ ino: UInt64, count: UInt64) {
        tree.forget(ino, count: count)
    }

    func getattr(_ request: FuseRequest, ino: UInt64) {
        guard let node = tree.node(ino), node.attached else { return request.error(ENOENT) }
        request.attributes(attributes.of(node), timeout: Self.cacheTimeout)
    }

    /// Only truncation to 0 is meaningful (the shell's `>` asks for it before writing a value).
    func setattr(_ request: FuseRequest, ino: UInt64, toSet: Int32, size: off_t) {
        guard let node = tree.node(ino), node.attached else { return request.error(ENOENT) }
        let sizeOnly =
            toSet
            & ~(FUSE_SET_ATTR_SIZE | FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME
            | FUSE_SET_ATTR_ATIME_NOW | FUSE_SET_ATTR_MTIME_NOW | FUSE_SET_ATTR_CTIME) == 0
        guard sizeOnly else { return request.error(EPERM) }
        if toSet & FUSE_SET_ATTR_SIZE != 0 {
            guard case .entry(_, _, let access) = node.kind else { return request.error(EACCES) }
            if readOnly { return request.error(EROFS) }
            guard access.contains(.writable) else { return request.error(EACCES) }
            guard size == 0 else { return request.error(EINVAL) }
        }
        request.attributes(attributes.of(node), timeout: Self.cacheTimeout)
    }

    func readlink(_ request: FuseRequest, ino: UInt64) {
        guard let node = tree.node(ino), case .alias(let target) = node.kind else { return request.error(EINVAL) }
        request.link(target)
    }

    // MARK: directories

    func opendir(_ request: FuseRequest, ino: UInt64, info: fuse_file_info) {
        guard let node = tree.node(ino), node.attached else { return request.error(ENOENT) }
        guard node.kind.isDirectory else { return request.error(ENOTDIR) }
        interruptibly(request) { answer in
            liveTree.ensureListed(ino) { [self] failure in
                answer { request in
                    // The root falls back to what it has (at least .ukfs) when the guest is away.
                    if let failure, ino != tree.root { return request.error(failure) }
                    guard let children = tree.listing(of: ino) else { return request.error(failure ?? EIO) }
                    request.openDirectory(
                        ino, parent: node.parent,
                        items: children.map {
                            OpenDirectory.Item(name: $0.name, ino: $0.ino, mode: Attributes.mode(of: $0.kind))
                        }, info)
                }
            }
        }
    }

    /// Static: answered from the handle alone, whichever instance (or the `--all` root) opened it.
    static func readdir(_ request: FuseRequest, size: Int, offset: Int, handle: OpenDirectory) {
        guard offset >= 0, size > 0 else { return request.bytes([]) }
        var buffer = [UInt8](repeating: 0, count: min(size, 1 << 20))
        var used = 0
        var index = offset
        while index < handle.items.count {
            let item = handle.items[index]
            var attributes = stat()
            attributes.st_ino = ino_t(item.ino)
            attributes.st_mode = item.mode
            let needed = (item.name + [0]).withUnsafeBufferPointer { name in
                buffer.withUnsafeMutableBytes { out in
                    name.withMemoryRebound(to: CChar.self) { name in
                        fuse_add_direntry(
                            request.raw,
                            out.baseAddress?.advanced(by: used).assumingMemoryBound(to: CChar.self),
                            out.count - used, name.baseAddress, &attributes, off_t(index + 1))
                    }
                }
            }
            guard needed <= buffer.count - used else { break }
            used += needed
            index += 1
        }
        request.bytes(buffer[0..<used])
    }

    // MARK: files

    func open(_ request: FuseRequest, ino: UInt64, info: fuse_file_info) {
        guard let node = tree.node(ino), node.attached else { return request.error(ENOENT) }
        let accessMode = info.flags & O_ACCMODE
        let wantsWrite = accessMode != O_RDONLY
        let wantsRead = accessMode != O_WRONLY
        switch node.kind {
        case .metaFile(let file):
            guard !wantsWrite else { return request.error(EACCES) }
            if let passthrough, passthrough.isOn {
                guard let ticket = interrupts.register(request) else { return }
                return passthrough.open(.init(ticket: ticket, node: node, info: info)) { [status] done in
                    done(.text(status.contents(of: file)))
                }
            }
            request.open(OpenFile(node: node, snapshot: ValueSnapshot(status.contents(of: file)), writable: false), info)
        case .entry(let ref, _, let access):
            if wantsWrite && readOnly { return request.error(EROFS) }
            // The daemon checks too: root passes the kernel's permission bits.
            if wantsWrite && !access.contains(.writable) { return request.error(EACCES) }
            if wantsRead && !access.contains(.readable) { return request.error(EACCES) }
            guard wantsRead else {
                return request.open(OpenFile(node: node, snapshot: ValueSnapshot([]), writable: true), info)
            }
            // Entries without a setter: OPEN waits for the value and hands the kernel a file
            // holding it; the reads never reach us. (A write open could not share an inode with
            // a passthrough read, so entries with a setter keep the path below.)
            if let passthrough, !access.contains(.writable), passthrough.isOn {
                guard let ticket = interrupts.register(request) else { return }
                return passthrough.open(.init(ticket: ticket, node: node, info: info)) { [line] done in
                    line.get(ref) { result in
                        switch result {
                        case .value(let value): done(.text(value.text + [0x0A]))
                        case .error(let errno): done(.failed(errno))
                        }
                    }
                }
            }
            // The GET goes out now and OPEN is answered at once: the round trip overlaps the
            // kernel's way back to the reader and its first READ (ValueSnapshot).
            let snapshot = ValueSnapshot(pendingWith: interrupts)
            line.get(ref) { snapshot.fulfill($0) }
            request.open(OpenFile(node: node, snapshot: snapshot, writable: wantsWrite), info)
        default:
            request.error(EISDIR)
        }
    }

    /// Collects what is written; the open's one SET is sent when the first line is complete, from
    /// the whole text (PendingWrite). A value that does not parse, or is out of range, is refused
    /// here and never reaches the guest.
    func write(_ request: FuseRequest, bytes: UnsafeRawBufferPointer, offset: Int, file: OpenFile) {
        guard file.writable, case .entry(_, let type, _) = file.node.kind else { return request.error(EBADF) }
        let limit = OpenFile.maxWrite(for: type, maxString: maxString)
        let count = bytes.count
        apply(file.pending.write(bytes, offset: offset, limit: limit), file: file, request: request) { request in
            request.written(count)
        }
    }

    /// close(2) of a descriptor open for writing: a value written without a newline is set now,
    /// and its errno is what close() returns.
    func flush(_ request: FuseRequest, file: OpenFile) {
        apply(file.pending.flush(), file: file, request: request) { $0.error(0) }
    }

    private var maxString: Int { status.hello?.maxString ?? ProtocolLimits.maxString }

    private func apply(
        _ step: PendingWrite.Step, file: OpenFile, request: FuseRequest,
        succeed: @escaping @Sendable (FuseRequest) -> Void
    ) {
        guard case .entry(let ref, let type, _) = file.node.kind else { return succeed(request) }
        let text: [UInt8]
        switch step {
        case .collect, .none: return succeed(request)
        case .refuse(let errno): return request.error(errno)
        case .apply(let written): text = written
        }
        let value: Value
        switch WrittenText.value(text, as: type, maxString: maxString) {
        case .success(let parsed): value = parsed
        case .failure(let refusal): return request.error(refusal.errno)
        }
        interruptibly(request) { answer in
            line.set(ref, to: value) { failure in
                answer { request in
                    if let failure { return request.error(failure) }
                    succeed(request)
                }
            }
        }
    }
}
