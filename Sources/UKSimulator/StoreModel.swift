import UKBridge

/// What a getter sees: the clock, the object it belongs to, and the settings the setters change.
struct SimContext: Sendable {
    let clock: SimClock
    let object: UInt64
    let settings: SimSettings
}

/// The store's writable state. Setters change it and return 0 or a positive errno; the store then
/// makes the objects agree with it (raising events).
struct SimSettings: Sendable {
    var consoleLevel: UInt8 = 3
    var hostname: [UInt8] = Array("unikraft".utf8)
    var netdevCount: UInt8 = 1
}

/// How a simulated entry answers: a getter and/or a setter, like a ukstore entry.
struct SimEntry: Sendable {
    let id: UInt64
    let name: String
    let type: EntryType
    let get: (@Sendable (SimContext) -> EntryResult)?
    let set: (@Sendable (inout SimSettings, Value) -> Int32)?

    var access: Access {
        var access: Access = []
        if get != nil { access.insert(.readable) }
        if set != nil { access.insert(.writable) }
        return access
    }

    var listed: ListedChild {
        ListedChild(kind: .entry, id: id, type: type, access: access, name: Array(name.utf8))
    }
}

/// A dynamic object: an instance of its library's template entries.
struct SimObject: Sendable {
    let id: UInt64
    let name: String
}

struct SimLibrary: Sendable {
    let id: UInt64
    let name: String
    var staticEntries: [SimEntry]
    /// Entries every object of this library has (ukstore's object entry template).
    var objectTemplate: [SimEntry]
    var objects: [UInt64: SimObject] = [:]

    var isListed: Bool { !staticEntries.isEmpty || !objects.isEmpty }

    /// Static entries in id order, then objects in id order (docs/simulated-store.md).
    var children: [ListedChild] {
        staticEntries.map(\.listed)
            + objects.values.sorted { $0.id < $1.id }.map { ListedChild(kind: .object, id: $0.id, name: Array($0.name.utf8)) }
    }
}

/// Time since the instance started, the input of every moving value.
struct SimClock: Sendable {
    let nanoseconds: UInt64
    var milliseconds: UInt64 { nanoseconds / 1_000_000 }
    var seconds: Double { Double(nanoseconds) / 1e9 }
}
