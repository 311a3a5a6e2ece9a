import Foundation
import NIOCore
import Synchronization
import UKBridge

/// A simulated Unikraft instance's ukstore (docs/simulated-store.md), answering the protocol's
/// requests. Thread-safe: every connection of the simulator calls it.
public final class SimulatedStore: Sendable {
    public static let libukalloc: UInt64 = 0
    public static let libukfalloc: UInt64 = 1
    public static let libuknetdev: UInt64 = 2
    public static let libukprint: UInt64 = 3
    public static let libuksched: UInt64 = 4
    public static let appsim: UInt64 = 5

    public let name: [UInt8]
    public let bootID: UInt64
    private let started = ContinuousClock.now
    /// Added to the time since start: a fleet's instances are each seeded with their own, so
    /// their moving values differ (0 for a lone simulator, which tests read as documented).
    private let clockOffset: UInt64

    private struct State {
        var libraries: [SimLibrary]
        var settings = SimSettings()
        var generation: UInt64 = 1
        var subscribers: [UInt64: @Sendable (ObjectEvent) -> Void] = [:]
        var nextSubscriber: UInt64 = 1
    }

    private let state: Mutex<State>

    /// The `scale`s a store can be built with: enough for any benchmark, bounded so a typo cannot
    /// ask for more memory than the host has.
    public static let scales = 0...1_000_000

    /// `scale`: entries added in the `appscale` library (ScaledLibrary); 0 keeps the default store.
    /// `seed`: instance k of a fleet runs its clock k seconds ahead (docs/simulated-store.md).
    public init(name: String, scale: Int = 0, seed: UInt32 = 0) {
        self.name = Array(name.utf8.prefix(ProtocolLimits.maxNameLength))
        self.bootID = UInt64.random(in: 1...UInt64.max)
        self.clockOffset = UInt64(seed) * 1_000_000_000
        var libraries = [
            SimLibrary(id: Self.libukalloc, name: "libukalloc", staticEntries: Producers.ukalloc, objectTemplate: []),
            SimLibrary(
                id: Self.libukfalloc, name: "libukfalloc", staticEntries: Producers.ukfallocStatic,
                objectTemplate: Producers.ukfallocObject),
            SimLibrary(id: Self.libuknetdev, name: "libuknetdev", staticEntries: [], objectTemplate: Producers.uknetdevObject),
            SimLibrary(id: Self.libukprint, name: "libukprint", staticEntries: Producers.ukprint, objectTemplate: []),
            SimLibrary(id: Self.libuksched, name: "libuksched", staticEntries: [], objectTemplate: Producers.ukschedObject),
            SimLibrary(id: Self.appsim, name: "appsim", staticEntries: Producers.appsim, objectTemplate: []),
        ]
        libraries[Int(Self.libukfalloc)].objects[0] = SimObject(id: 0, name: "falloc0")
        libraries[Int(Self.libuknetdev)].objects[0] = SimObject(id: 0, name: "netdev0")
        libraries[Int(Self.libuksched)].objects[0] = SimObject(id: 0, name: "cpu0")
        libraries[Int(Self.libuksched)].objects[1] = SimObject(id: 1, name: "cpu1")
        if let scaled = ScaledLibrary.make(entries: scale) { libraries.append(scaled) }
        self.state = Mutex(State(libraries: libraries))
    }

    private var clock: SimClock {
        SimClock(nanoseconds: UInt64(max(TimeAmount(ContinuousClock.now - started).nanoseconds, 0)) &+ clockOffset)
    }

    public var generation: UInt64 { state.withLock { $0.generation } }

    public func hello(hostMaxPayload: Int) -> HelloInfo {
        HelloInfo(
            version: ProtocolLimits.version, maxPayload: ProtocolLimits.maxPayload,
            maxBatch: ProtocolLimits.maxBatch, maxString: ProtocolLimits.maxString,
            bootID: bootID, generation: generation, name: name)
    }

    /// One page of a directory, as many children as fit in `maxPayload` (docs/protocol.md §3.2).
    public func list(_ scope: ListScope, start: Int, maxPayload: Int) -> Answer {
        state.withLock { state -> Answer in
            let children: [ListedChild]
            switch scope {
            case .root:
                children = state.libraries.filter(\.isListed).map {
                    ListedChild(kind: .library, id: $0.id, name: Array($0.name.utf8))
                }
            case .library(let lib):
                guard let library = state.libraries[ifExists: lib], library.isListed else {
                    return .failure(.list, errno: WireErrno.ENOENT)
                }
                children = library.children
            case .object(let lib, let object):
                guard let library = state.libraries[ifExists: lib], library.objects[object] != nil else {
                    return .failure(.list, errno: WireErrno.ENOENT)
                }
                children = library.objectTemplate.map(\.listed)
            }
            // Header: type, rid, status, generation, total, count: at most 3 + 1 + 10 + 3 + 3.
            var room = maxPayload - 20
            var page: [ListedChild] = []
            for child in children.dropFirst(start) {
                let size = 1 + 10 + 1 + 1 + child.name.count
                guard size <= room else { break }
                room -= size
                page.append(child)
            }
            return .list(ListPage(generation: state.generation, total: children.count, children: page))
        }
    }

    public func get(_ refs: [EntryRef]) -> [EntryResult] {
        let clock = self.clock
        return state.withLock { state in
            refs.map { ref -> EntryResult in
                guard let (entry, object) = Self.find(ref, in: state.libraries) else { return .error(WireErrno.ENOENT) }
                guard let getter = entry.get else { return .error(WireErrno.EACCES) }
                return getter(SimContext(clock: clock, object: object, settings: state.settings))
            }
        }
    }

    /// Calls the entry's setter; 0 or a positive errno. Objects follow the new settings, and the
    /// events that raises go to every subscriber after the store is unlocked.
    public func set(_ ref: EntryRef, _ value: Value) -> Int32 {
        let (status, events, subscribers) = state.withLock { state -> (Int32, [ObjectEvent], [@Sendable (ObjectEvent) -> Void]) in
            guard let (entry, _) = Self.find(ref, in: state.libraries) else { return (WireErrno.ENOENT, [], []) }
            guard let setter = entry.set else { return (WireErrno.EACCES, [], []) }
            guard value.type == entry.type else { return (WireErrno.EINVAL, [], []) }
            var settings = state.settings
            let status = setter(&settings, value)
            guard status == 0 else { return (status, [], []) }
            state.settings = settings
            let events = Self.reconcileNetdevs(&state)
            return (0, events, Array(state.subscribers.values))
        }
        for event in events {
            for subscriber in subscribers { subscriber(event) }
        }
        return status
    }

    /// Registers a receiver of object events; returns a token for `unsubscribe`.
    public func subscribe(_ receiver: @escaping @Sendable (ObjectEvent) -> Void) -> UInt64 {
        state.withLock { state in
            let token = state.nextSubscriber
            state.nextSubscriber += 1
            state.subscribers[token] = receiver
            return token
        }
    }

    public func unsubscribe(_ token: UInt64) {
        _ = state.withLock { $0.subscribers.removeValue(forKey: token) }
    }

    /// Creates missing `netdev<k>` for k < count in increasing k, releases the rest in decreasing k.
    private static func reconcileNetdevs(_ state: inout State) -> [ObjectEvent] {
        let lib = Int(libuknetdev)
        let wanted = UInt64(state.settings.netdevCount)
        var events: [ObjectEvent] = []
        for nic in 0..<wanted where state.libraries[lib].objects[nic] == nil {
            let name = "netdev\(nic)"
            state.libraries[lib].objects[nic] = SimObject(id: nic, name: name)
            state.generation += 1
            events.append(
                ObjectEvent(
                    kind: .created, lib: libuknetdev, object: nic,
                    generation: state.generation, name: Array(name.utf8)))
        }
        for nic in state.libraries[lib].objects.keys.sorted(by: >) where nic >= wanted {
            let name = state.libraries[lib].objects.removeValue(forKey: nic)?.name ?? ""
            state.generation += 1
            events.append(
                ObjectEvent(
                    kind: .released, lib: libuknetdev, object: nic,
                    generation: state.generation, name: Array(name.utf8)))
        }
        return events
    }

    private static func find(_ ref: EntryRef, in libraries: [SimLibrary]) -> (SimEntry, UInt64)? {
        guard let library = libraries[ifExists: ref.lib] else { return nil }
        if ref.slot == 0 {
            return library.staticEntries.first { $0.id == ref.entry }.map { ($0, 0) }
        }
        let object = ref.slot - 1
        guard library.objects[object] != nil,
            let entry = library.objectTemplate.first(where: { $0.id == ref.entry })
        else { return nil }
        return (entry, object)
    }
}

extension Array {
    subscript(ifExists index: UInt64) -> Element? {
        index < UInt64(count) ? self[Int(index)] : nil
    }
}
