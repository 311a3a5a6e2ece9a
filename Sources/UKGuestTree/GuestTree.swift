import Foundation
import UKBridge
import UKBridgeClient

/// A guest's tree as the scripting commands and the exporter see it: the same paths as the mount
/// (aliases such as `net/eth0` included, names checked by the same rules), listings cached until
/// `forget()`, and values read in batches — one GET for as many entries as the guest allows.
public actor GuestTree {
    public enum Node: Sendable, Equatable {
        case root
        case library(id: UInt64, name: [UInt8])
        case object(lib: UInt64, library: [UInt8], id: UInt64, name: [UInt8])
        case entry(TreeEntry)

        public var isDirectory: Bool {
            if case .entry = self { return false }
            return true
        }
    }

    /// A child in a directory; `aliasOf` names the sibling an alias stands for.
    public struct Child: Sendable {
        public let name: [UInt8]
        public let node: Node
        public let aliasOf: [UInt8]?
    }

    public nonisolated let connection: BridgeConnection
    public nonisolated let timeout: Duration
    private var listings: [ListScope: [Child]] = [:]

    public init(connection: BridgeConnection, timeout: Duration) {
        self.connection = connection
        self.timeout = timeout
    }

    /// Drops every cached listing (objects came or went).
    public func forget() { listings.removeAll() }

    // MARK: names

    /// The children of a directory, aliases last, as `ls` on the mount shows them.
    public func children(of node: Node) async throws(TreeError) -> [Child] {
        let scope: ListScope
        switch node {
        case .root: scope = .root
        case .library(let id, _): scope = .library(id)
        case .object(let lib, _, let id, _): scope = .object(lib: lib, object: id)
        case .entry(let entry): throw .path(entry.path, errno: ENOTDIR)
        }
        if let cached = listings[scope] { return cached }
        let listed: [ListedChild]
        switch await DirectoryListing.fetchAll(scope, on: connection, timeout: timeout) {
        case .success(let children): listed = children
        case .failure(.guest(let errno)): throw .path(Self.path(of: node), errno: errno)
        case .failure(let error): throw .bridge(error)
        }
        let children = Self.children(listed, in: node, scope: scope)
        listings[scope] = children
        return children
    }

    /// What `path` (relative to the root, `/`-separated, aliases allowed) names.
    public func resolve(_ path: String) async throws(TreeError) -> Node {
        var trail: [Node] = [.root]
        for component in path.split(separator: "/", omittingEmptySubsequences: true) where component != "." {
            guard let current = trail.last else { break }
            if component == ".." {
                if trail.count > 1 { trail.removeLast() }
                continue
            }
            guard current.isDirectory else { throw .path(path, errno: ENOTDIR) }
            let children = try await children(of: current)
            let name = Array(component.utf8)
            guard var child = children.first(where: { $0.name == name }) else { throw .path(path, errno: ENOENT) }
            if let target = child.aliasOf {
                guard let real = children.first(where: { $0.name == target && $0.aliasOf == nil }) else {
                    throw .path(path, errno: ENOENT)
                }
                child = real
            }
            trail.append(child.node)
        }
        return trail.last ?? .root
    }

    /// Every entry under `node` (aliases not followed, so each entry once), in listing order.
    public func entries(under node: Node = .root) async throws(TreeError) -> [TreeEntry] {
        if case .entry(let entry) = node { return [entry] }
        var result: [TreeEntry] = []
        for child in try await children(of: node) where child.aliasOf == nil {
            do {
                result += try await entries(under: child.node)
            } catch .path(_, let errno) where errno == ENOENT {
                continue   // an object released while we walked: it is simply no longer there
            }
        }
        return result
    }

    // MARK: values

    /// The values of `entries`, in order: as few GETs as the guest's batch and payload limits
    /// allow; an entry too big for a shared answer (EOVERFLOW) is asked for alone, and a batch
    /// whose answer is unusable as a whole is asked again in halves, so one bad value (a charp
    /// over the protocol's limit makes the whole answer malformed) costs only its own entry.
    public func read(_ entries: [TreeEntry]) async -> [EntryResult] {
        await Self.read(entries, maxBatch: connection.maxBatch, maxPayload: connection.hello.maxPayload) { [self] refs in
            await get(refs)
        }
    }

    /// `read`'s rules with the GET given: `get` answers one GET, a result for each of its refs.
    static func read(
        _ entries: [TreeEntry], maxBatch: Int, maxPayload: Int,
        get: @Sendable ([EntryRef]) async -> [EntryResult]
    ) async -> [EntryResult] {
        await read(entries, maxBatch: maxBatch, maxPayload: maxPayload) { refs -> [EntryResult]? in await get(refs) }
    }

    /// `get` answers nil when the answer was unusable as a whole though the line works (it was
    /// malformed, or the whole GET refused): the batch is then split until each bad entry is alone.
    static func read(
        _ entries: [TreeEntry], maxBatch: Int, maxPayload: Int,
        get: @Sendable ([EntryRef]) async -> [EntryResult]?
    ) async -> [EntryResult] {
        var results = [EntryResult](repeating: .error(EIO), count: entries.count)
        var readable: [Int] = []
        for (index, entry) in entries.enumerated() {
            // As the mount's open: no getter is EACCES without asking the guest.
            if entry.access.contains(.readable) { readable.append(index) } else { results[index] = .error(EACCES) }
        }
        var pending = batches(readable.map { entries[$0].ref }, maxBatch: maxBatch, maxPayload: maxPayload).map { Array(readable[$0]) }
        pending.reverse()
        while let indices = pending.popLast() {
            guard let answer = await get(indices.map { entries[$0].ref }) else {
                guard indices.count > 1 else {
                    results[indices[0]] = .error(EIO)
                    continue
                }
                let half = indices.count / 2
                pending.append(Array(indices[half...]))
                pending.append(Array(indices[..<half]))
                continue
            }
            for (position, index) in indices.enumerated() {
                results[index] = answer[position]
                if case .error(let errno) = answer[position], errno == WireErrno.EOVERFLOW, indices.count > 1 {
                    results[index] = await get([entries[index].ref])?[0] ?? .error(EIO)
                }
            }
        }
        return results
    }

    /// One GET; only what never changes (the connection, the timeout) is used, so no hop to the
    /// actor. Nil when the guest's answer was unusable as a whole while the line lives.
    private nonisolated func get(_ refs: [EntryRef]) async -> [EntryResult]? {
        let result = await connection.send(.get(refs), timeout: timeout)
        // Alone, an entry's failure is its own: nothing to split.
        guard refs.count > 1 else { return result.entryResults(count: refs.count) }
        switch result {
        case .success(.failure(_, let errno)) where errno != WireErrno.EIO:
            return nil
        case .success(.get(let results)) where results.count == refs.count:
            return results
        case .success:
            return nil
        case .failure(.unexpectedAnswer):
            return nil
        case .failure:
            return result.entryResults(count: refs.count)
        }
    }

    /// Calls the entry's setter with `text` parsed as the mount parses a write; nil on success,
    /// else the errno a writer of the file would get.
    public func write(_ entry: TreeEntry, text: [UInt8]) async -> Int32? {
        guard entry.access.contains(.writable) else { return EACCES }
        switch WrittenText.value(text, as: entry.type, maxString: connection.hello.maxString) {
        case .success(let value): return await connection.send(.set(entry.ref, value), timeout: timeout).setFailure
        case .failure(let refusal): return refusal.errno
        }
    }

    /// Index ranges of `refs` such that each GET holds at most `maxBatch` refs and its request
    /// fits the guest's payload limit.
    static func batches(_ refs: [EntryRef], maxBatch: Int, maxPayload: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        var size = 3 + 3   // type, rid, and the count's varint (at most 2 bytes for ≤ 1024)
        for (index, ref) in refs.enumerated() {
            let refSize = ref.encodedSize
            if index > start && (index - start >= max(maxBatch, 1) || size + refSize > maxPayload) {
                ranges.append(start..<index)
                start = index
                size = 6
            }
            size += refSize
        }
        if start < refs.count { ranges.append(start..<refs.count) }
        return ranges
    }

    // MARK: listing → children

    private static func path(of node: Node) -> String {
        switch node {
        case .root: "/"
        case .library(_, let name): String(decoding: name, as: UTF8.self)
        case .object(_, let library, _, let name): String(decoding: library + [0x2F] + name, as: UTF8.self)
        case .entry(let entry): entry.path
        }
    }

    /// The guest's listing made into children as the mount makes them, through the same ListingGate.
    private static func children(_ listed: [ListedChild], in parent: Node, scope: ListScope) -> [Child] {
        var library: [UInt8]?
        if case .library(_, let name) = parent { library = name }
        let (accepted, aliases) = ListingGate.children(from: listed, in: scope, library: library)
        var result = accepted.compactMap { name, child in
            node(child, named: name, in: parent).map { Child(name: name, node: $0, aliasOf: nil) }
        }
        for alias in aliases {
            guard let target = result.first(where: { $0.name == alias.target }) else { continue }
            result.append(Child(name: alias.name, node: target.node, aliasOf: alias.target))
        }
        return result
    }

    /// A placed child as this tree's node, with the names its paths are made of.
    private static func node(_ child: PlacedChild, named name: [UInt8], in parent: Node) -> Node? {
        switch (child, parent) {
        case (.library(let id), _):
            .library(id: id, name: name)
        case (.object(let lib, let id), .library(_, let library)):
            .object(lib: lib, library: library, id: id, name: name)
        case (.entry(let ref, let type, let access), .library(_, let library)):
            .entry(TreeEntry(ref: ref, type: type, access: access, library: library, object: nil, name: name))
        case (.entry(let ref, let type, let access), .object(_, let library, _, let object)):
            .entry(TreeEntry(ref: ref, type: type, access: access, library: library, object: object, name: name))
        default:
            nil   // PlacedChild never places these: an object outside a library, an entry in the root
        }
    }
}

/// One entry of the tree, with where it lives (for paths, labels and JSON).
public struct TreeEntry: Sendable, Hashable {
    public let ref: EntryRef
    public let type: EntryType
    public let access: Access
    public let library: [UInt8]
    public let object: [UInt8]?
    public let name: [UInt8]

    /// `library/entry` or `library/object/entry`.
    public var path: String {
        String(decoding: library + (object.map { [0x2F] + $0 } ?? []) + [0x2F] + name, as: UTF8.self)
    }
}

/// Why a path could not be used: the errno the mount would give for it, or the bridge failed.
public enum TreeError: Error, Sendable {
    case path(String, errno: Int32)
    case bridge(BridgeError)
}
