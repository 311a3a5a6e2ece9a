import Foundation
import Logging
import Synchronization
import UKBridge
import UKBridgeClient
import UKGuestTree

/// Keeps the node table true to the guest: lists a directory when first needed, again when an
/// event says it changed or a new connection's generation moved, and sends the kernel the names
/// that vanished (`KernelNotifier`). Requests go through the line (`GuestRequests`).
final class LiveTree: LinkListener, Sendable {
    let nodes: NodeTable
    let notifier: KernelNotifier
    private let line: any GuestRequests
    private let logger: Logger

    private struct State {
        /// Callers waiting for a directory that is being listed, by directory inode.
        var listing: [UInt64: [@Sendable (Int32?) -> Void]] = [:]
        /// Directories that changed while being listed: listed once more when the listing ends,
        /// so an event is never lost and a flood of events costs at most two listings.
        var relist: Set<UInt64> = []
        var refusedNames = 0
    }

    private let state = Mutex(State())
    private let treeFull = LogThrottle()

    init(nodes: NodeTable, line: any GuestRequests, notifier: KernelNotifier, logger: Logger) {
        self.nodes = nodes
        self.line = line
        self.notifier = notifier
        self.logger = logger
    }

    /// Calls `done` once `dir` is listed (nil) or with the errno that prevented it.
    func ensureListed(_ dir: UInt64, done: @escaping @Sendable (Int32?) -> Void) {
        // A folder that was idle first reconnects, and so refreshes what changed meanwhile; if the
        // guest is away, what was listed is still shown, as for a disconnected mount.
        if line.isDormant, nodes.isListed(dir) { return line.wake { _ in done(nil) } }
        if nodes.isListed(dir) { return done(nil) }
        refresh(dir, done: done)
    }

    /// Lists `dir` from the guest and makes the table agree. Concurrent calls for one directory
    /// share one listing.
    /// With `joinInFlight` false, a listing already under way is only asked to run once more, and
    /// `done` is called at once: for a wake, whose listing in flight may be waiting for it.
    func refresh(_ dir: UInt64, joinInFlight: Bool = true, done: @escaping @Sendable (Int32?) -> Void = { _ in }) {
        guard let node = nodes.node(dir), let scope = node.kind.listScope else { return done(EIO) }
        let first = state.withLock { state -> Bool in
            let first = state.listing[dir] == nil
            if !first { state.relist.insert(dir) }
            if first || joinInFlight { state.listing[dir, default: []].append(done) }
            return first
        }
        guard first else { return joinInFlight ? () : done(nil) }
        list(dir, node: node, scope: scope)
    }

    private func list(_ dir: UInt64, node: Node, scope: ListScope) {
        line.list(scope) { [self] result in
            let outcome: Int32?
            switch result {
            case .success(let children):
                notifier.post(
                    nodes.replaceChildren(of: dir, with: NodeChildren.children(from: children, in: node, onRefused: noteRefused)))
                if nodes.isFull, let total = treeFull.note() {
                    logger.error(
                        "the tree holds \(NodeTable.maxNodes) nodes, its cap: further children are not shown",
                        metadata: ["times": "\(total)"])
                }
                outcome = nil
            case .failure(.guest(let errno)) where errno == WireErrno.ENOENT:
                // The object or library is gone: empty it so lookups inside fail cleanly.
                notifier.post(nodes.replaceChildren(of: dir, with: []))
                outcome = ENOENT
            case .failure(let error):
                outcome = error.errno
            }
            let (waiting, again) = state.withLock { state -> ([@Sendable (Int32?) -> Void], Bool) in
                if state.relist.remove(dir) != nil { return ([], true) }
                return (state.listing.removeValue(forKey: dir) ?? [], false)
            }
            if again { return list(dir, node: node, scope: scope) }
            for callback in waiting { callback(outcome) }
        }
    }

    /// Refused names are logged once each kind of refusal, then counted, so a hostile guest cannot
    /// flood the log.
    private func noteRefused(_ name: [UInt8], _ refusal: NameRules.Refusal?) {
        let count = state.withLock { state -> Int in
            state.refusedNames += 1
            return state.refusedNames
        }
        if count <= 5 {
            logger.warning(
                "refused a name from the guest: \(refusal?.description ?? "child of a kind that cannot be there")",
                metadata: ["name": "\(CanonicalText.quote(Array(name.prefix(64))))"])
        }
    }

    // MARK: LinkListener

    func adopted(previous: HelloInfo?, now: HelloInfo, listRoot: Bool) async {
        if let previous, previous.bootID != now.bootID {
            // Another boot: nothing the kernel holds about the old tree may survive, even where
            // names and ids look the same.
            logger.info("the instance restarted (new boot id): replacing the whole tree")
            notifier.post(nodes.forgetGuestTree())
        } else if let previous, previous.generation != now.generation {
            logger.info("objects changed while disconnected: refreshing")
            // Awaited: a folder woken by a use answers that use from the refreshed tree.
            await refreshAllListed()
        }
        // The root is listed up front, so `ls` of the mount works even if the guest goes away; an
        // on-demand folder lists only what is used (and a listing may be what is waking it).
        guard listRoot else { return }
        await withCheckedContinuation { continuation in
            ensureListed(nodes.root) { _ in continuation.resume() }
        }
    }

    private func refreshAllListed() async {
        await withTaskGroup(of: Void.self) { group in
            for node in nodes.listedGuestDirectories() {
                group.addTask {
                    await withCheckedContinuation { done in
                        self.refresh(node.ino, joinInFlight: false) { _ in done.resume() }
                    }
                }
            }
        }
    }

    func changed(_ event: ObjectEvent) {
        if event.kind == .overflow {
            // The share dropped events this mount did not read fast enough: any listed directory
            // may be stale, as after a reconnect whose generation moved.
            logger.info("missed \(event.object) events of the guest: refreshing", metadata: ["generation": "\(event.generation)"])
            Task { await refreshAllListed() }
            return
        }
        // The library's listing changes. The root's changes only when the library appears (it is
        // not in the root yet) or empties (its listing comes back empty or gone): re-list the root
        // then, not on every event.
        let libraryNode = nodes.listing(of: nodes.root)?.first {
            if case .library(event.lib) = $0.kind { return true } else { return false }
        }
        guard let libraryNode else {
            if nodes.isListed(nodes.root) { refresh(nodes.root) }
            return
        }
        guard nodes.isListed(libraryNode.ino) else {
            if event.kind == .released, nodes.isListed(nodes.root) { refresh(nodes.root) }
            return
        }
        refresh(libraryNode.ino) { [self] failure in
            let emptied = failure == ENOENT || nodes.listing(of: libraryNode.ino)?.isEmpty == true
            if emptied, nodes.isListed(nodes.root) { refresh(nodes.root) }
        }
    }
}
