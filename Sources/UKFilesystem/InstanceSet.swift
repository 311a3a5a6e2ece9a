import Foundation
import Logging
import NIOCore
import Synchronization
import UKBridgeClient

/// The instances of a `mount --all`, kept in line with the registry folder: a `NAME.sock` that
/// something listens on gets a folder at once, without a word to its guest (ListenerProbe); the
/// folder connects when first entered and closes its connection when unused (OnDemandConnection),
/// so following thousands of instances costs no guest traffic and no descriptor per instance. A
/// folder goes when its socket is removed (an instance whose guest died but whose socket is still
/// there keeps its folder, `.ukfs/state` saying `disconnected`). `sync()` is called by the registry
/// watcher on every change and on every periodic re-scan.
///
/// No fixed number of instances: folders are bounded by the inode slots (InodeSpace, 16.7 million
/// registrations per mount) and memory (a few KiB per unused folder); connections at once by the
/// descriptor limit (ConnectionBudget). Both are reported in `.ukfs/refused` when reached.
final class InstanceSet: Sendable {
    struct Refusal: Sendable, Equatable {
        let name: String
        let reason: String
    }

    let registry: InstanceRegistry
    private let notifier: KernelNotifier
    private let group: EventLoopGroup
    private let options: MountOptions
    private let interrupts: InterruptibleRequests
    private let passthrough: PassthroughFiles
    private let logger: Logger
    let budget: ConnectionBudget

    private struct State {
        var byName: [String: MountedInstance] = [:]
        var bySlot: [UInt32: MountedInstance] = [:]
        var slots = SlotAllocator()
        var refusals: [Refusal] = []
        /// What was already logged, so a socket that never answers is not logged every second.
        var logged: Set<String> = []
        var stopped = false
        /// The registry folder as the last full scan found it, and whether that scan left sockets
        /// nobody listened on yet, to be probed again on the next.
        var lastScan: RegistryStamp?
        var retryPending = false
    }

    private let state = Mutex(State())

    init(
        registry: InstanceRegistry, notifier: KernelNotifier, group: EventLoopGroup, options: MountOptions,
        interrupts: InterruptibleRequests, passthrough: PassthroughFiles, logger: Logger
    ) {
        self.passthrough = passthrough
        self.registry = registry
        self.notifier = notifier
        self.group = group
        self.options = options
        self.interrupts = interrupts
        self.logger = logger
        budget = ConnectionBudget(descriptors: DescriptorLimit.raiseToHard())
    }

    func instance(inSlot slot: UInt32) -> MountedInstance? {
        state.withLock { $0.bySlot[slot] }
    }

    func instance(named name: String) -> MountedInstance? {
        state.withLock { $0.byName[name] }
    }

    /// The instance folders, sorted by name.
    func all() -> [MountedInstance] {
        state.withLock { $0.byName.values.sorted { $0.name < $1.name } }
    }

    /// Sockets that get no folder, and folders refused a connection for want of descriptors.
    func refusals() -> [Refusal] {
        let short = budget.refusedNames()
        let (refusals, present) = state.withLock { state in
            (state.refusals, short.filter { state.byName[$0] != nil })
        }
        guard !present.isEmpty else { return refusals }
        let reason = BridgeError.connectionBudget(limit: budget.limit, descriptors: budget.descriptors).problem
        return (refusals + present.map { Refusal(name: $0, reason: reason) }).sorted { $0.name < $1.name }
    }

    // MARK: following the registry

    /// Brings the folders in line with the registry: drops instances whose socket is gone (telling
    /// the kernel through the notifier thread), gives a folder to each new socket something
    /// listens on, and closes the connections of folders unused for the idle time. Unless `full`,
    /// a folder unchanged since the last scan (its mtime, which every socket created, removed or
    /// renamed moves) with no socket left to retry is not scanned again: a re-scan of thousands of
    /// idle instances would otherwise cost an lstat each, every second.
    func sync(full: Bool = true) {
        let mtime = RegistryStamp(folder: registry.folder)
        let skip = state.withLock { state -> Bool in
            let unchanged = !full && mtime != nil && state.lastScan == mtime && !state.retryPending
            if !unchanged { state.lastScan = mtime }
            return unchanged
        }
        if skip { return closeIdle() }
        let (usable, refused) = scanRegistry()
        let (gone, candidates, present) = state.withLock { state -> ([MountedInstance], [String], [MountedInstance]) in
            guard !state.stopped else { return ([], [], []) }
            let gone = state.byName.values.filter { usable[$0.name] == nil }
            for instance in gone {
                state.byName.removeValue(forKey: instance.name)
                state.bySlot.removeValue(forKey: instance.slot)
            }
            return (gone, usable.keys.filter { state.byName[$0] == nil }.sorted(), Array(state.byName.values))
        }
        for instance in gone {
            logger.info("instance \(instance.name) left the registry: removing its folder")
            instance.line.stop()
            budget.forget(instance.name)
            notifier.post([.delete(parent: RootMetaFile.rootIno, child: instance.root, name: Array(instance.name.utf8))])
        }
        for instance in present { instance.line.closeIfIdle() }
        var retry = false
        // Outside the lock: a probe is a system call or two per new socket, and thousands may come at once.
        var listening: [String] = []
        for name in candidates {
            guard let address = usable[name], case .unix(let path) = address else { continue }
            if let problem = ListenerProbe.probe(path) {
                retry = true
                if noteOnce("unreachable:" + name) {
                    logger.notice(
                        "\(name) is registered but nothing listens on it (\(String(cString: strerror(problem)))); trying again every re-scan"
                    )
                }
                continue
            }
            listening.append(name)
        }
        let added = state.withLock { state -> [String] in
            guard !state.stopped else { return [] }
            var refused = refused
            var added: [String] = []
            for name in listening where state.byName[name] == nil {
                guard let address = usable[name] else { continue }
                guard let slot = state.slots.take() else {
                    refused.append(Refusal(name: name, reason: "no inode range left in this mount — remount it"))
                    continue
                }
                let onDemand = OnDemandConnection(
                    name: name, budget: budget, idleAfter: options.idleClose,
                    makeRoom: { [weak self] name in await self?.makeRoom(except: name) ?? false })
                let instance = MountedInstance(
                    name: name, address: address, share: registry.share(for: name), slot: slot,
                    notifier: notifier, group: group, options: options,
                    interrupts: interrupts, passthrough: passthrough, onDemand: onDemand, logger: logger)
                state.byName[name] = instance
                state.bySlot[slot] = instance
                state.logged.remove("unreachable:" + name)
                added.append(name)
            }
            state.refusals = refused.sorted { $0.name < $1.name }
            state.retryPending = retry
            return added
        }
        for refusal in refused where noteOnce("refused:" + refusal.name + refusal.reason) {
            logger.warning("not mounting \(refusal.name): \(refusal.reason)")
        }
        if added.count == 1, let name = added.first {
            logger.info("instance \(name) is registered: added its folder")
        } else if !added.isEmpty {
            logger.info("\(added.count) instances are registered: added their folders")
        }
    }

    /// Sockets in the registry folder, resolved as `ukfs mount NAME` resolves them (only sockets,
    /// only the user's own), and what was refused and why.
    private func scanRegistry() -> (usable: [String: BridgeAddress], refused: [Refusal]) {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: registry.folder)) ?? []
        var usable: [String: BridgeAddress] = [:]
        var refused: [Refusal] = []
        for file in files where file.hasSuffix(".sock") {
            let name = String(file.dropLast(5))
            guard InstanceRegistry.isValidName(name) else {
                refused.append(Refusal(name: name, reason: "not an instance name (letters, digits, - _ ., at most 64)"))
                continue
            }
            switch registry.resolve(name) {
            case .address(let address, _):
                usable[name] = address
            case .foreign(_, let path, let uid):
                refused.append(Refusal(name: name, reason: "\(path) belongs to uid \(uid), not you"))
            case .unknown(_, let path):
                refused.append(Refusal(name: name, reason: "\(path) is not a socket"))
            case .invalid:
                refused.append(Refusal(name: name, reason: "not an instance name"))
            }
        }
        return (usable, refused)
    }

    /// For a folder refused a connection by the budget: closes the least recently used connection
    /// of another folder that has had no request for two request timeouts (none can be in flight),
    /// so folders in use take over from folders that were. False when none qualifies: the refusal
    /// stands and is reported.
    func makeRoom(except name: String) async -> Bool {
        let candidates = state.withLock { state in state.byName.values.filter { $0.name != name } }
            .compactMap { instance in instance.line.lastUseIfConnected.map { (lastUse: $0, instance: instance) } }
            .sorted { $0.lastUse < $1.lastUse }
        for candidate in candidates.prefix(8)
        where await candidate.instance.line.closeToMakeRoom(unusedFor: options.timeout * 2) {
            logger.info("closed \(candidate.instance.name)'s connection, the least recently used, to connect \(name)")
            return true
        }
        return false
    }

    /// Closes the connections of folders unused for the idle time.
    private func closeIdle() {
        for instance in state.withLock({ Array($0.byName.values) }) { instance.line.closeIfIdle() }
    }

    /// True the first time `key` is seen (until cleared), so repeated scans log a problem once.
    private func noteOnce(_ key: String) -> Bool {
        state.withLock { $0.logged.insert(key).inserted }
    }

    /// Ends every instance's line; no instance is added after this.
    func stopAll() {
        let all = state.withLock { state -> [MountedInstance] in
            state.stopped = true
            defer { state.byName = [:]; state.bySlot = [:] }
            return Array(state.byName.values)
        }
        for instance in all { instance.line.stop() }
    }
}
