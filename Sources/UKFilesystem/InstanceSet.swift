import Foundation
import Logging
import NIOCore
import Synchronization
import UKBridgeClient

/// The instances of a `mount --all`, kept in line with the registry folder: a `NAME.sock` that
/// answers gets a folder; a folder goes when its socket is removed (an instance whose guest died
/// but whose socket is still there keeps its folder, `.ukfs/state` saying `disconnected`, and its
/// session keeps reconnecting). `sync()` is called by the registry watcher on every change and on
/// every periodic re-scan.
final class InstanceSet: Sendable {
    /// A bound on what a crowded (or hostile) registry folder can make the host hold: each
    /// instance costs a connection and up to `NodeTable.maxNodes` nodes.
    static let maxInstances = 256

    struct Refusal: Sendable, Equatable {
        let name: String
        let reason: String
    }

    let registry: InstanceRegistry
    private let notifier: KernelNotifier
    private let group: EventLoopGroup
    private let options: MountOptions
    private let interrupts: InterruptibleRequests
    private let logger: Logger

    private struct State {
        var byName: [String: MountedInstance] = [:]
        var bySlot: [UInt32: MountedInstance] = [:]
        /// Names whose first connection is in progress, and the slot each has taken.
        var connecting: [String: UInt32] = [:]
        var slots = SlotAllocator()
        var refusals: [Refusal] = []
        /// What was already logged, so a socket that never answers is not logged every second.
        var logged: Set<String> = []
        var stopped = false
    }

    private let state = Mutex(State())

    init(registry: InstanceRegistry, notifier: KernelNotifier, group: EventLoopGroup, options: MountOptions,
         interrupts: InterruptibleRequests, logger: Logger) {
        self.registry = registry
        self.notifier = notifier
        self.group = group
        self.options = options
        self.interrupts = interrupts
        self.logger = logger
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

    func refusals() -> [Refusal] {
        state.withLock { $0.refusals }
    }

    // MARK: following the registry

    /// Brings the folders in line with the registry: drops instances whose socket is gone (telling
    /// the kernel through the notifier thread), and starts connecting to new sockets. Returns the
    /// connection attempts, which the first sync waits for so the mount starts populated.
    @discardableResult
    func sync() -> [Task<Void, Never>] {
        let (usable, refused) = scanRegistry()
        let (gone, starting) = state.withLock { state -> ([MountedInstance], [(String, UInt32)]) in
            guard !state.stopped else { return ([], []) }
            var refused = refused
            let gone = state.byName.values.filter { usable[$0.name] == nil }
            for instance in gone {
                state.byName.removeValue(forKey: instance.name)
                state.bySlot.removeValue(forKey: instance.slot)
            }
            var starting: [(String, UInt32)] = []
            for name in usable.keys.sorted() where state.byName[name] == nil && state.connecting[name] == nil {
                guard state.byName.count + state.connecting.count < Self.maxInstances else {
                    refused.append(Refusal(name: name, reason: "over the limit of \(Self.maxInstances) instances per mount"))
                    continue
                }
                guard let slot = state.slots.take() else {
                    refused.append(Refusal(name: name, reason: "no inode range left in this mount — remount it"))
                    continue
                }
                state.connecting[name] = slot
                starting.append((name, slot))
            }
            state.refusals = refused.sorted { $0.name < $1.name }
            return (gone, starting)
        }
        for refusal in refused where noteOnce("refused:" + refusal.name + refusal.reason) {
            logger.warning("not mounting \(refusal.name): \(refusal.reason)")
        }
        for instance in gone {
            logger.info("instance \(instance.name) left the registry: removing its folder")
            instance.stop()
            notifier.post([.delete(parent: RootMetaFile.rootIno, child: instance.root, name: Array(instance.name.utf8))])
        }
        return starting.compactMap { name, slot in
            usable[name].map { address in Task { await self.connect(name: name, address: address, slot: slot) } }
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

    /// The first connection of a new socket; the folder appears only once the guest answered.
    private func connect(name: String, address: BridgeAddress, slot: UInt32) async {
        let instance = MountedInstance(name: name, address: address, share: registry.share(for: name), slot: slot,
                                       notifier: notifier, group: group,
                                       options: options, interrupts: interrupts, logger: logger)
        do throws(BridgeError) {
            try await instance.connect()
        } catch {
            // The session must not go on reconnecting on its own: the next scan tries again, with
            // a fresh session. Never shown to the kernel, the slot can be used again.
            instance.stop()
            state.withLock { state in
                state.connecting.removeValue(forKey: name)
                state.slots.giveBack(unexposed: slot)
            }
            if noteOnce("unreachable:" + name) {
                logger.notice("\(name) is registered but does not answer (\(error)); trying again every re-scan")
            }
            return
        }
        let added = state.withLock { state -> Bool in
            state.connecting.removeValue(forKey: name)
            guard !state.stopped else { return false }
            state.byName[name] = instance
            state.bySlot[slot] = instance
            state.logged.remove("unreachable:" + name)
            return true
        }
        guard added else { return instance.stop() }
        logger.info("instance \(name) answers: added its folder")
        // Its socket may have gone while connecting; the next scan would notice, this one is sooner.
        if !FileManager.default.fileExists(atPath: registry.socketPath(for: name)) { sync() }
    }

    /// True the first time `key` is seen (until cleared), so repeated scans log a problem once.
    private func noteOnce(_ key: String) -> Bool {
        state.withLock { $0.logged.insert(key).inserted }
    }

    /// Ends every session; no instance is added after this.
    func stopAll() {
        let all = state.withLock { state -> [MountedInstance] in
            state.stopped = true
            defer { state.byName = [:]; state.bySlot = [:] }
            return Array(state.byName.values)
        }
        for instance in all { instance.stop() }
    }
}
