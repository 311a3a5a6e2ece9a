import Synchronization
import UKBridge

/// What a node of the mounted tree stands for.
enum NodeKind: Hashable, Sendable {
    case root
    case library(UInt64)
    case object(lib: UInt64, object: UInt64)
    case entry(EntryRef, EntryType, Access)
    case alias(target: [UInt8])
    case metaFolder
    case metaFile(MetaFile)
    /// A file of the `mount --all` root's own `.ukfs/`.
    case rootMetaFile(RootMetaFile)

    var isDirectory: Bool {
        switch self {
        case .root, .library, .object, .metaFolder: true
        default: false
        }
    }

    /// The LIST that fills this directory from the guest; nil for directories made on the host.
    var listScope: ListScope? {
        switch self {
        case .root: .root
        case .library(let lib): .library(lib)
        case .object(let lib, let object): .object(lib: lib, object: object)
        default: nil
        }
    }
}

struct Node: Sendable {
    let ino: UInt64
    let parent: UInt64
    let name: [UInt8]
    let kind: NodeKind
    /// Children by name, in listing order; nil until the directory was first listed.
    var children: [[UInt8]: UInt64]?
    var order: [[UInt8]] = []
    /// The kernel's lookup count (FUSE): a node leaves the table only when it is detached and 0.
    var lookups: UInt64 = 0
    var attached = true
}

/// A notification the kernel needs after the tree changed under a name it may have cached.
enum KernelInvalidation: Sendable, Equatable {
    case delete(parent: UInt64, child: UInt64, name: [UInt8])
}

/// The host's picture of the guest's tree: inodes, names, and what the kernel holds of them.
/// Every mutation returns the invalidations it makes necessary, which the caller hands to the
/// notifier thread (never sent from a request handler: libfuse's notify_inval_entry docs, and
/// docs/architecture.md §5, "When the guest's tree changes").
final class NodeTable: Sendable {
    /// The root of a single-instance mount: FUSE's root inode.
    static let rootID: UInt64 = 1
    /// An overall cap on what a guest can make the host remember: about 200 bytes a node plus its
    /// name, so at most some 40 MiB however many children a hostile guest claims.
    static let maxNodes = 100_000

    private struct State {
        var nodes: [UInt64: Node] = [:]
        var nextIno: UInt64 = 2
    }

    private let state: Mutex<State>
    /// This table's root: `rootID` for a single mount; `inodeBase + 1` for an instance folder of
    /// `mount --all`, whose instances each number their nodes in a range of their own (InodeSpace).
    let root: UInt64
    /// The host-made `.ukfs` folder, which stays in the root whatever the guest lists.
    let metaFolder: UInt64

    init(metaFiles: [MetaFile], inodeBase: UInt64 = 0) {
        var state = State()
        let root = inodeBase + Self.rootID
        state.nextIno = root + 1
        state.nodes[root] = Node(ino: root, parent: root, name: [], kind: .root, children: nil)
        self.root = root
        let metaIno = state.nextIno
        state.nextIno += 1
        var meta = Node(ino: metaIno, parent: root, name: Array(".ukfs".utf8), kind: .metaFolder, children: [:])
        for file in metaFiles {
            let ino = state.nextIno
            state.nextIno += 1
            state.nodes[ino] = Node(ino: ino, parent: metaIno, name: Array(file.rawValue.utf8), kind: .metaFile(file))
            meta.children?[Array(file.rawValue.utf8)] = ino
            meta.order.append(Array(file.rawValue.utf8))
        }
        state.nodes[metaIno] = meta
        self.metaFolder = metaIno
        self.state = Mutex(state)
    }

    var metaFolderName: [UInt8] { NodeChildren.metaFolderName }

    func node(_ ino: UInt64) -> Node? {
        state.withLock { $0.nodes[ino] }
    }

    var count: Int { state.withLock { $0.nodes.count } }

    var isFull: Bool { state.withLock { $0.nodes.count >= Self.maxNodes } }

    /// The child named `name` of a listed directory. `.notListed` asks the caller to list it first.
    enum ChildLookup { case found(Node), missing, notListed, notADirectory }

    func child(of parent: UInt64, named name: [UInt8], countingLookup: Bool) -> ChildLookup {
        state.withLock { state in
            guard let dir = state.nodes[parent] else { return .missing }
            guard dir.kind.isDirectory else { return .notADirectory }
            if parent == root && name == metaFolderName, var meta = state.nodes[metaFolder] {
                if countingLookup {
                    meta.lookups += 1
                    state.nodes[metaFolder] = meta
                }
                return .found(meta)
            }
            guard let children = dir.children else { return .notListed }
            guard let ino = children[name], var child = state.nodes[ino] else { return .missing }
            if countingLookup {
                child.lookups += 1
                state.nodes[ino] = child
            }
            return .found(child)
        }
    }

    /// Children in listing order, for readdir; nil when not listed yet — except the root, which
    /// always has at least `.ukfs`, so a mount whose guest never answered still shows its state.
    func listing(of dir: UInt64) -> [Node]? {
        state.withLock { state in
            if dir == root, state.nodes[dir]?.children == nil {
                return state.nodes[metaFolder].map { [$0] }
            }
            guard let node = state.nodes[dir], node.children != nil else { return nil }
            return node.order.compactMap { name in node.children?[name].flatMap { state.nodes[$0] } }
        }
    }

    func isListed(_ dir: UInt64) -> Bool {
        state.withLock { $0.nodes[dir]?.children != nil }
    }

    /// Directories whose children came from the guest and are currently listed.
    func listedGuestDirectories() -> [Node] {
        state.withLock { state in
            state.nodes.values.filter { $0.attached && $0.children != nil && $0.kind.listScope != nil }
        }
    }

    /// Makes `dir`'s children exactly `wanted` (names already checked), keeping the inode of every
    /// child whose name and kind are unchanged. Returns what the kernel must forget.
    func replaceChildren(of dir: UInt64, with wanted: [(name: [UInt8], kind: NodeKind)]) -> [KernelInvalidation] {
        state.withLock { state in
            guard var node = state.nodes[dir], node.attached else { return [] }
            let old = node.children ?? [:]
            var new: [[UInt8]: UInt64] = [:]
            var invalidations: [KernelInvalidation] = []
            for (name, kind) in wanted {
                if let ino = old[name], let existing = state.nodes[ino], existing.kind == kind {
                    new[name] = ino
                    continue
                }
                guard state.nodes.count < Self.maxNodes else { break }
                let ino = state.nextIno
                state.nextIno += 1
                state.nodes[ino] = Node(
                    ino: ino, parent: dir, name: name, kind: kind,
                    children: kind == .metaFolder ? [:] : nil)
                new[name] = ino
            }
            if dir == root { new[metaFolderName] = metaFolder }
            for (name, ino) in old where new[name] != ino {
                if let invalidation = Self.remove(ino, named: name, from: dir, in: &state) { invalidations.append(invalidation) }
            }
            node.children = new
            node.order = wanted.map(\.name).filter { new[$0] != nil }
            if dir == root, new[metaFolderName] != nil, !node.order.contains(metaFolderName) {
                node.order.insert(metaFolderName, at: 0)
            }
            state.nodes[dir] = node
            return invalidations
        }
    }

    /// Drops everything the guest put in the tree (its root children but `.ukfs`), for a guest that
    /// rebooted; returns what the kernel must forget. The root is listed anew on next use.
    func forgetGuestTree() -> [KernelInvalidation] {
        state.withLock { state in
            guard var rootNode = state.nodes[root], let children = rootNode.children else { return [] }
            var invalidations: [KernelInvalidation] = []
            for (name, ino) in children where ino != metaFolder {
                if let invalidation = Self.remove(ino, named: name, from: root, in: &state) { invalidations.append(invalidation) }
            }
            rootNode.children = nil
            rootNode.order = []
            state.nodes[root] = rootNode
            return invalidations
        }
    }

    /// The kernel dropped `count` references to `ino` (FORGET).
    func forget(_ ino: UInt64, count: UInt64) {
        state.withLock { state in
            guard var node = state.nodes[ino], ino != root else { return }
            node.lookups = node.lookups >= count ? node.lookups - count : 0
            if !node.attached && node.lookups == 0 {
                state.nodes.removeValue(forKey: ino)
            } else {
                state.nodes[ino] = node
            }
        }
    }

    /// `ino`, named `name` in `parent`, leaves the tree. The kernel must forget the name if it may
    /// have cached it (it looked the node up); the node goes once the kernel forgets it (detach).
    private static func remove(
        _ ino: UInt64, named name: [UInt8], from parent: UInt64,
        in state: inout State
    ) -> KernelInvalidation? {
        let cached = (state.nodes[ino]?.lookups ?? 0) > 0
        detach(ino, in: &state)
        return cached ? .delete(parent: parent, child: ino, name: name) : nil
    }

    /// A node left the tree: it and its subtree go once the kernel holds no reference to them.
    private static func detach(_ ino: UInt64, in state: inout State) {
        guard var node = state.nodes[ino] else { return }
        for child in node.children?.values ?? [:].values { detach(child, in: &state) }
        node.attached = false
        node.children = node.children.map { _ in [:] }
        if node.lookups == 0 {
            state.nodes.removeValue(forKey: ino)
        } else {
            state.nodes[ino] = node
        }
    }
}
