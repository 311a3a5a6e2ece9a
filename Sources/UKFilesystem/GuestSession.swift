import Foundation
import Logging
import NIOCore
import Synchronization
import UKBridge
import UKBridgeClient

/// The mount's link to its guest: sends requests on the current connection, keeps the listed
/// directories true as objects come and go (events), and reconnects with backoff when the
/// connection ends, re-listing what changed meanwhile.
final class GuestSession: Sendable {
    let status: MountStatus
    let tree: NodeTable
    let notifier: KernelNotifier
    let timeout: Duration
    /// Set for a `mount --all` folder: connects on use, never reconnects on its own.
    let onDemand: OnDemandConnection?
    private let group: EventLoopGroup
    private let logger: Logger

    private struct State {
        var connection: BridgeConnection?
        /// Which connection attempt `connection` came from: a close only matters for that one.
        var adoptedAttempt: UInt64 = 0
        var attempts: UInt64 = 0
        /// Callers waiting for a directory that is being listed, by directory inode.
        var listing: [UInt64: [@Sendable (Int32?) -> Void]] = [:]
        /// Directories that changed while being listed: listed once more when the listing ends,
        /// so an event is never lost and a flood of events costs at most two listings.
        var relist: Set<UInt64> = []
        var stopping = false
        var refusedNames = 0
        /// When the adopted connection completed its handshake.
        var adoptedAt: ContinuousClock.Instant?
        /// Failed attempts in a row, a connection that died soon after its handshake included:
        /// what the reconnect delay grows with.
        var failures = 0
        /// While a connection is being adopted (its WATCH, its refreshes): a request that finds no
        /// connection then lost it mid-way, and must fail rather than wait for the wake in progress,
        /// which is waiting for that request.
        var adopting = false
    }

    private let state = Mutex(State())
    private let treeFull = LogThrottle()
    /// Losses and reconnects of short-lived connections: a guest that accepts, handshakes and
    /// hangs up would otherwise log twice per attempt.
    private let flapping = LogThrottle()

    /// A connection that ends sooner than this after its handshake counts as a failed attempt, so
    /// a guest that handshakes and hangs up is backed off like one that refuses.
    static let flapWindow = Duration.seconds(5)
    /// The reconnect delay: 0.1 s, doubling with each failure in a row, at most 1.6 s — short
    /// enough that a guest that behaves again is read within 2 s, long enough that one that never
    /// does costs under one connection a second.
    static func reconnectDelay(afterFailures failures: Int) -> Duration {
        .milliseconds(100 << min(max(failures - 1, 0), 4))
    }

    init(
        status: MountStatus, tree: NodeTable, notifier: KernelNotifier, group: EventLoopGroup,
        timeout: Duration, onDemand: OnDemandConnection? = nil, logger: Logger
    ) {
        self.onDemand = onDemand
        self.status = status
        self.tree = tree
        self.notifier = notifier
        self.group = group
        self.timeout = timeout
        self.logger = logger
    }

    // MARK: connecting

    /// Connects for the first time; the mount is made only if this succeeds.
    func connect() async throws(BridgeError) {
        let attempt = state.withLock { state -> UInt64 in
            state.attempts += 1
            return state.attempts
        }
        if let onDemand, let refused = onDemand.budget.take(for: status.instanceName) {
            // Every connection the descriptors allow is open: another folder's least recently
            // used one, if unused enough, closes to make room.
            guard await onDemand.makeRoom(status.instanceName), onDemand.budget.take(for: status.instanceName) == nil else {
                throw refused
            }
        }
        // Through the line's share when another process holds it; else holding it and sharing it.
        let line: GuestLine
        do throws(BridgeError) {
            line = try await LineConnector.connect(
                LineTarget(address: status.address, share: status.share), role: .holder,
                group: group, timeout: timeout, logger: logger,
                onEvent: { [weak self] event in self?.handle(event) },
                onClose: { [weak self] in self?.connectionClosed(attempt: attempt) })
        } catch {
            onDemand?.budget.giveBack()
            throw error
        }
        if let budget = onDemand?.budget { line.connection.closeFuture.whenComplete { _ in budget.giveBack() } }
        status.line = line
        await adopt(line.connection, attempt: attempt)
    }

    private func adopt(_ connection: BridgeConnection, attempt: UInt64) async {
        defer { state.withLock { $0.adopting = false } }
        let previous = status.hello
        status.hello = connection.hello
        status.generation = connection.hello.generation
        // A session stopped meanwhile (its `--all` instance left) must not keep a connection alive.
        let stopping = state.withLock { state -> Bool in
            if !state.stopping {
                state.connection = connection
                state.adopting = true
                state.adoptedAttempt = attempt
                state.adoptedAt = .now
            }
            return state.stopping
        }
        if stopping { return connection.close() }
        // Closed between its handshake and now: its close came before it was adopted.
        if !connection.isActive { return connectionClosed(attempt: attempt) }
        _ = await connection.send(.watch(flags: 1), timeout: timeout)
        status.connection = .connected
        if let previous, previous.bootID != connection.hello.bootID {
            // Another boot: nothing the kernel holds about the old tree may survive, even where
            // names and ids look the same.
            logger.info("the instance restarted (new boot id): replacing the whole tree")
            notifier.post(tree.forgetGuestTree())
        } else if let previous, previous.generation != connection.hello.generation {
            logger.info("objects changed while disconnected: refreshing")
            // Awaited: a folder woken by a use answers that use from the refreshed tree.
            await refreshAllListed()
        }
        // The root is listed up front, so `ls` of the mount works even if the guest goes away; an
        // on-demand folder lists only what is used (and a listing may be what is waking it).
        guard onDemand == nil else { return }
        await withCheckedContinuation { continuation in
            ensureListed(tree.root) { _ in continuation.resume() }
        }
    }

    /// For a mount made before the guest answered (-o wait), after `error` on the first try.
    func startReconnecting(after error: BridgeError) {
        status.connection = .disconnected(reason: error.shortProblem)
        Task { await self.reconnect() }
    }

    private func connectionClosed(attempt: UInt64) {
        let (ours, shortLived) = state.withLock { state -> (Bool, Bool) in
            guard !state.stopping, state.connection != nil, state.adoptedAttempt == attempt else { return (false, false) }
            state.connection = nil
            let shortLived = state.adoptedAt.map { ContinuousClock.now - $0 < Self.flapWindow } ?? true
            state.failures = shortLived ? state.failures + 1 : 0
            return (true, shortLived)
        }
        // Only the adopted connection going away starts a reconnect. A connection whose handshake
        // failed also ends here (its channel closes), and so may an old one closing late; a
        // reconnect for each would add one loop per failed attempt: thousands within seconds
        // against a socket that accepts but never answers (a QEMU chardev whose agent hung).
        guard ours else { return }
        if let onDemand {
            // Reconnected by the next use, not on its own: an unused folder costs nothing.
            let idle = onDemand.takeIdleClose()
            status.connection = idle ? .idle : .disconnected(reason: "connection lost")
            if !idle { logger.info("lost the connection to \(status.address); reconnecting on next use") }
            return
        }
        status.connection = .disconnected(reason: "connection lost")
        if !shortLived {
            logger.warning("lost the connection to \(status.address); reconnecting")
        } else if let total = flapping.note() {
            logger.warning(
                "lost the connection to \(status.address) within \(Self.flapWindow) of its handshake; reconnecting with backoff",
                metadata: ["times": "\(total)"])
        }
        Task { await self.reconnect(shortLived: shortLived) }
    }

    /// Tries until connected or stopped; after a short-lived connection, waits first.
    private func reconnect(shortLived: Bool = false) async {
        status.noteReconnecting()
        var attempt = 0
        if shortLived { try? await Task.sleep(for: Self.reconnectDelay(afterFailures: state.withLock { $0.failures })) }
        while !state.withLock({ $0.stopping }) {
            attempt += 1
            do {
                try await connect()
                if !shortLived { logger.info("reconnected to \(status.address)") }
                return
            } catch {
                if attempt == 1 && !shortLived { logger.info("reconnect failed: \(error); retrying with backoff") }
                let failures = state.withLock { state -> Int in
                    state.failures += 1
                    return state.failures
                }
                let delay = Self.reconnectDelay(afterFailures: failures)
                // The reason stays in .ukfs/state (and systemd's STATUS=) until the next attempt's.
                status.connection = .reconnecting(attempt: attempt, lastError: error.shortProblem, retryIn: delay)
                await RetryPause.wait(delay, for: status.address)
            }
        }
    }

    func stop() {
        let connection = state.withLock { state -> BridgeConnection? in
            state.stopping = true
            return state.connection
        }
        connection?.close()
    }

    // MARK: requests

    /// Sends a request on the live connection; with none, fails at once (EIO to the reader) — or,
    /// for an on-demand session, connects first.
    func send(_ request: Request, completion: @escaping BridgeConnection.Completion) {
        let (connection, adopting) = state.withLock { ($0.connection, $0.adopting) }
        guard let connection else {
            guard onDemand != nil, !adopting else { return completion(.failure(.disconnected)) }
            return wake { [self] failure in
                if let failure { return completion(.failure(failure)) }
                sendConnected(request, completion: completion)
            }
        }
        onDemand?.noteUse()
        send(request, on: connection, completion: completion)
    }

    /// After a wake: on the connection it made, never waking again (it may already be gone).
    private func sendConnected(_ request: Request, completion: @escaping BridgeConnection.Completion) {
        guard let connection = state.withLock({ $0.connection }) else { return completion(.failure(.disconnected)) }
        send(request, on: connection, completion: completion)
    }

    private func send(_ request: Request, on connection: BridgeConnection, completion: @escaping BridgeConnection.Completion) {
        connection.send(request, timeout: timeout) { [status] result in
            if case .failure(.timedOut) = result { status.noteTimeout() } else { status.noteAnswer() }
            completion(result)
        }
    }

    // MARK: directories

    /// Calls `done` once `dir` is listed (nil) or with the errno that prevented it.
    func ensureListed(_ dir: UInt64, done: @escaping @Sendable (Int32?) -> Void) {
        // A folder that was idle first reconnects, and so refreshes what changed meanwhile; if the
        // guest is away, what was listed is still shown, as for a disconnected mount.
        if isDormant, tree.isListed(dir) { return wake { _ in done(nil) } }
        if tree.isListed(dir) { return done(nil) }
        refresh(dir, done: done)
    }

    // MARK: on demand (mount --all)

    /// An on-demand session with no connection now: the next use connects.
    var isDormant: Bool {
        onDemand != nil && state.withLock { $0.connection == nil && !$0.stopping && !$0.adopting }
    }

    /// Connects if not connected (on-demand sessions only), then calls `done` with what failed.
    func wake(_ done: @escaping @Sendable (BridgeError?) -> Void) {
        guard let onDemand, !state.withLock({ $0.stopping }) else { return done(.disconnected) }
        onDemand.wake(
            connect: { [self] () async throws(BridgeError) in
                if state.withLock({ $0.connection != nil }) { return }
                try await connect()
            },
            onFailure: { [status] error in
                status.connection = .disconnected(reason: error.shortProblem)
            }, done: done)
    }

    /// Closes the connection if it went unused for the folder's idle time and nobody shares it.
    func closeIfIdle() {
        guard let onDemand, onDemand.isIdle, let connection = beginClosingUnshared(onDemand) else { return }
        logger.debug("closing the idle connection")
        connection.close()
    }

    /// When this on-demand session last used its connection; nil without one.
    var lastUseIfConnected: UInt64? {
        guard let onDemand, state.withLock({ $0.connection != nil }) else { return nil }
        return onDemand.lastUseNanoseconds
    }

    /// Closes the connection to make room for another folder's, if it is unused for `unusedFor`,
    /// idle closes are allowed (-o idle is not 0) and nobody shares it; returns once it is closed.
    func closeToMakeRoom(unusedFor: Duration) async -> Bool {
        guard let onDemand, onDemand.idleAfter != nil, onDemand.isUnused(for: unusedFor),
            let connection = beginClosingUnshared(onDemand)
        else { return false }
        logger.debug("closing the least recently used connection to make room for another folder's")
        connection.close()
        try? await connection.closeFuture.get()
        return true
    }

    /// The connection, marked as closing for idleness, if there is one and no other process shares
    /// it (a client's reads would fail); nil otherwise, or when an idle close is already under way.
    private func beginClosingUnshared(_ onDemand: OnDemandConnection) -> BridgeConnection? {
        guard (status.line?.share?.clientCount ?? 0) == 0, let connection = state.withLock({ $0.connection }),
            onDemand.beginIdleClose()
        else { return nil }
        return connection
    }

    /// Lists `dir` from the guest and makes the tree agree. Concurrent calls for one directory
    /// share one listing.
    /// With `joinInFlight` false, a listing already under way is only asked to run once more, and
    /// `done` is called at once: for a wake, whose listing in flight may be waiting for it.
    func refresh(_ dir: UInt64, joinInFlight: Bool = true, done: @escaping @Sendable (Int32?) -> Void = { _ in }) {
        guard let node = tree.node(dir), let scope = node.kind.listScope else { return done(EIO) }
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
        fetchAll(scope) { [self] result in
            let outcome: Int32?
            switch result {
            case .success(let children):
                notifier.post(tree.replaceChildren(of: dir, with: ListingFilter.children(from: children, in: node, onRefused: noteRefused)))
                if tree.isFull, let total = treeFull.note() {
                    logger.error(
                        "the tree holds \(NodeTable.maxNodes) nodes, its cap: further children are not shown",
                        metadata: ["times": "\(total)"])
                }
                outcome = nil
            case .failure(.guest(let errno)) where errno == WireErrno.ENOENT:
                // The object or library is gone: empty it so lookups inside fail cleanly.
                notifier.post(tree.replaceChildren(of: dir, with: []))
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

    private func refreshAllListed() async {
        await withTaskGroup(of: Void.self) { group in
            for node in tree.listedGuestDirectories() {
                group.addTask {
                    await withCheckedContinuation { done in
                        self.refresh(node.ino, joinInFlight: false) { _ in done.resume() }
                    }
                }
            }
        }
    }

    /// Every page of a directory, by the paging rules and bound the scripting commands use too.
    private func fetchAll(_ scope: ListScope, done: @escaping @Sendable (Result<[ListedChild], BridgeError>) -> Void) {
        DirectoryListing.fetchAll(
            scope, requestTimeout: timeout,
            send: { [self] request, completion in send(request, completion: completion) },
            done: done)
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

    // MARK: events

    private func handle(_ event: ObjectEvent) {
        status.generation = event.generation
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
        let libraryNode = tree.listing(of: tree.root)?.first {
            if case .library(event.lib) = $0.kind { return true } else { return false }
        }
        guard let libraryNode else {
            if tree.isListed(tree.root) { refresh(tree.root) }
            return
        }
        guard tree.isListed(libraryNode.ino) else {
            if event.kind == .released, tree.isListed(tree.root) { refresh(tree.root) }
            return
        }
        refresh(libraryNode.ino) { [self] failure in
            let emptied = failure == ENOENT || tree.listing(of: libraryNode.ino)?.isEmpty == true
            if emptied, tree.isListed(tree.root) { refresh(tree.root) }
        }
    }
}
