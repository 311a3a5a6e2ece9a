import Foundation
import Logging
import Synchronization
import Testing
import UKBridge
import UKBridgeClient

@testable import UKFilesystem

/// The tree's job alone, against a guest that answers from a table: what is listed and when, what
/// the kernel is told, and how events and reconnects are followed. No root, no FUSE, no line.
@Suite("The live tree: listings, refreshes and events")
struct LiveTreeTests {
    private static let library = ListedChild(kind: .library, id: 1, name: Array("libukalloc".utf8))
    private static let entry = ListedChild(kind: .entry, id: 0x10, type: .u64, access: .readable, name: Array("cur_mem_free".utf8))

    private func rig(_ guest: TableGuest) -> LiveTree {
        LiveTree(nodes: NodeTable(metaFiles: []), line: guest, notifier: KernelNotifier(), logger: Logger(label: "test"))
    }

    private func names(_ tree: LiveTree, _ dir: UInt64) -> [String]? {
        tree.nodes.listing(of: dir)?.map { String(decoding: $0.name, as: UTF8.self) }
    }

    private func listed(_ tree: LiveTree, _ dir: UInt64) async -> Int32? {
        await withCheckedContinuation { done in tree.ensureListed(dir) { done.resume(returning: $0) } }
    }

    private func libraryIno(_ tree: LiveTree) throws -> UInt64 {
        guard case .found(let node) = tree.nodes.child(of: tree.nodes.root, named: Array("libukalloc".utf8), countingLookup: false)
        else { throw TableGuest.Missing() }
        return node.ino
    }

    @Test("a directory is listed once, on first need, with its aliases; then answered from the table")
    func listedOnce() async {
        let guest = TableGuest(pages: [.root: .success([Self.library])])
        let tree = rig(guest)
        #expect(await listed(tree, tree.nodes.root) == nil)
        #expect(names(tree, tree.nodes.root)?.sorted() == [".ukfs", "libukalloc", "memory"])
        #expect(await listed(tree, tree.nodes.root) == nil)
        #expect(guest.sent == [.list(.root, start: 0)], "the second use sends nothing")
    }

    @Test("a library the guest no longer has is emptied, and its users get ENOENT")
    func goneDirectory() async throws {
        let guest = TableGuest(pages: [.root: .success([Self.library]), .library(1): .success([Self.entry])])
        let tree = rig(guest)
        _ = await listed(tree, tree.nodes.root)
        let lib = try libraryIno(tree)
        #expect(await listed(tree, lib) == nil)
        #expect(names(tree, lib) == ["cur_mem_free"])
        guest.set(.library(1), .failure(.guest(errno: WireErrno.ENOENT)))
        let outcome = await withCheckedContinuation { done in tree.refresh(lib) { done.resume(returning: $0) } }
        #expect(outcome == ENOENT)
        #expect(names(tree, lib) == [])
    }

    @Test("listings of one directory at once share one request; a change meanwhile lists it once more")
    func sharedListing() async {
        let guest = TableGuest(pages: [.root: .success([Self.library])], holding: true)
        let tree = rig(guest)
        let outcomes = Mutex<[Int32?]>([])
        for _ in 0..<3 { tree.refresh(tree.nodes.root) { outcome in outcomes.withLock { $0.append(outcome) } } }
        #expect(guest.sent.count == 1)
        guest.answerHeld()
        #expect(guest.sent.count == 2, "asked again: the later calls may have come after a change")
        #expect(outcomes.withLock { $0.isEmpty })
        guest.answerHeld()
        #expect(outcomes.withLock { $0 } == [nil, nil, nil])
    }

    @Test("an event for a library not in the root re-lists the root; a moved generation re-lists every listed directory")
    func eventsAndReconnects() async throws {
        let guest = TableGuest(pages: [.root: .success([]), .library(1): .success([Self.entry])])
        let tree = rig(guest)
        _ = await listed(tree, tree.nodes.root)
        guest.set(.root, .success([Self.library]))
        tree.changed(ObjectEvent(kind: .created, lib: 1, object: 0, generation: 2, name: Array("x".utf8)))
        #expect(guest.sent.count == 2 && names(tree, tree.nodes.root)?.contains("libukalloc") == true)
        _ = await listed(tree, try libraryIno(tree))
        let before = guest.sent.count
        let hello = HelloInfo(version: 1, maxPayload: 4096, maxBatch: 64, maxString: 1024, bootID: 7, generation: 2, name: [])
        var moved = hello
        moved.generation = 3
        await tree.adopted(previous: hello, now: hello, listRoot: false)
        #expect(guest.sent.count == before, "same generation: nothing to refresh")
        await tree.adopted(previous: hello, now: moved, listRoot: false)
        #expect(guest.sent.count == before + 2, "the root and the library, once each")
    }
}

/// A guest that answers LIST from a table, at once or when told (`holding`).
final class TableGuest: GuestRequests {
    struct Missing: Error {}
    let timeout = Duration.seconds(2)
    var isDormant: Bool { false }
    private let holding: Bool
    private struct State {
        var pages: [ListScope: Result<[ListedChild], BridgeError>]
        var sent: [Request] = []
        var held: [(Request, BridgeConnection.Completion)] = []
    }
    private let state: Mutex<State>

    init(pages: [ListScope: Result<[ListedChild], BridgeError>], holding: Bool = false) {
        self.holding = holding
        state = Mutex(State(pages: pages))
    }

    var sent: [Request] { state.withLock { $0.sent } }

    func set(_ scope: ListScope, _ page: Result<[ListedChild], BridgeError>) {
        state.withLock { $0.pages[scope] = page }
    }

    func send(_ request: Request, completion: @escaping BridgeConnection.Completion) {
        let hold = state.withLock { state -> Bool in
            state.sent.append(request)
            if holding { state.held.append((request, completion)) }
            return holding
        }
        if !hold { completion(answer(request)) }
    }

    /// Answers the requests held so far.
    func answerHeld() {
        let held = state.withLock { state in
            defer { state.held.removeAll() }
            return state.held
        }
        for (request, completion) in held { completion(answer(request)) }
    }

    func wake(_ done: @escaping @Sendable (BridgeError?) -> Void) { done(nil) }

    private func answer(_ request: Request) -> Result<Answer, BridgeError> {
        guard case .list(let scope, _) = request, let page = state.withLock({ $0.pages[scope] }) else {
            return .failure(.unexpectedAnswer)
        }
        return page.map { .list(ListPage(generation: 1, total: $0.count, children: $0)) }
    }
}
