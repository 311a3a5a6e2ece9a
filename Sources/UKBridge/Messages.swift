import NIOCore

/// Message type codes (docs/protocol.md §3). An answer's code is its request's code | 0x80.
public enum RequestKind: UInt8, Sendable, CaseIterable {
    case hello = 0x01, list = 0x02, get = 0x03, set = 0x04, watch = 0x05, ping = 0x06

    public var answerCode: UInt8 { rawValue | 0x80 }
    public static let eventCode: UInt8 = 0x40
    /// A share's own unasked message to a client that could not take every event (§10): how many
    /// it was not sent. A guest never sends it.
    public static let eventsLostCode: UInt8 = 0x41
}

/// An entry's address: library id, slot (0 static, object id + 1), entry id (§3.3).
public struct EntryRef: Hashable, Sendable {
    public var lib: UInt64
    public var slot: UInt64
    public var entry: UInt64
    public init(lib: UInt64, slot: UInt64, entry: UInt64) {
        self.lib = lib
        self.slot = slot
        self.entry = entry
    }

    public static func staticEntry(lib: UInt64, entry: UInt64) -> EntryRef {
        EntryRef(lib: lib, slot: 0, entry: entry)
    }

    public static func objectEntry(lib: UInt64, object: UInt64, entry: UInt64) -> EntryRef {
        EntryRef(lib: lib, slot: object &+ 1, entry: entry)
    }

    /// Bytes this ref takes in a GET or SET (three varints), for sizing batches.
    public var encodedSize: Int { varintSize(lib) + varintSize(slot) + varintSize(entry) }
}

/// Which directory a LIST pages through.
public enum ListScope: Hashable, Sendable {
    case root
    case library(UInt64)
    case object(lib: UInt64, object: UInt64)
}

public enum Request: Sendable, Equatable {
    case hello(minVersion: UInt8, maxVersion: UInt8, maxPayload: Int)
    case list(ListScope, start: Int)
    case get([EntryRef])
    case set(EntryRef, Value)
    case watch(flags: UInt64)
    case ping

    public var kind: RequestKind {
        switch self {
        case .hello: .hello
        case .list: .list
        case .get: .get
        case .set: .set
        case .watch: .watch
        case .ping: .ping
        }
    }
}

public struct HelloInfo: Sendable, Equatable {
    public var version: UInt8
    public var maxPayload: Int
    public var maxBatch: Int
    public var maxString: Int
    public var bootID: UInt64
    public var generation: UInt64
    public var name: [UInt8]
    public init(
        version: UInt8, maxPayload: Int, maxBatch: Int, maxString: Int,
        bootID: UInt64, generation: UInt64, name: [UInt8]
    ) {
        self.version = version
        self.maxPayload = maxPayload
        self.maxBatch = maxBatch
        self.maxString = maxString
        self.bootID = bootID
        self.generation = generation
        self.name = name
    }
}

public enum ChildKind: UInt8, Sendable {
    case library = 1, object = 2, entry = 3
}

/// One child in a LIST page. `type` and `access` are meaningful for entries only.
public struct ListedChild: Sendable, Equatable {
    public var kind: ChildKind
    public var id: UInt64
    public var type: EntryType?
    public var access: Access
    public var name: [UInt8]
    public init(kind: ChildKind, id: UInt64, type: EntryType? = nil, access: Access = [], name: [UInt8]) {
        self.kind = kind
        self.id = id
        self.type = type
        self.access = access
        self.name = name
    }
}

public struct ListPage: Sendable, Equatable {
    public var generation: UInt64
    public var total: Int
    public var children: [ListedChild]
    public init(generation: UInt64, total: Int, children: [ListedChild]) {
        self.generation = generation
        self.total = total
        self.children = children
    }
}

/// One result of a GET: a value, or the errno of that one entry.
public enum EntryResult: Sendable, Equatable {
    case value(Value)
    case error(Int32)
}

public enum Answer: Sendable, Equatable {
    case hello(HelloInfo)
    case list(ListPage)
    case get([EntryResult])
    case set
    case watch(generation: UInt64)
    case ping(generation: UInt64)
    /// Any answer whose status is not 0: the body ends at the status.
    case failure(RequestKind, errno: Int32)

    /// The request this answers.
    public var kind: RequestKind {
        switch self {
        case .hello: .hello
        case .list: .list
        case .get: .get
        case .set: .set
        case .watch: .watch
        case .ping: .ping
        case .failure(let kind, _): kind
        }
    }
}

public enum ObjectEventKind: UInt8, Sendable {
    case created = 1, released = 2
    /// Not a guest's event: a share dropped events for a client that did not read them fast
    /// enough (`object` says how many, `generation` the latest known). Sent as its own message
    /// type (EVENTS_LOST, 0x41); an EVENT of kind 3 stays malformed. What a client cached about
    /// the tree may be stale: it re-lists what it holds.
    case overflow = 3
}

public struct ObjectEvent: Sendable, Equatable {
    public var kind: ObjectEventKind
    public var lib: UInt64
    public var object: UInt64
    public var generation: UInt64
    public var name: [UInt8]
    public init(kind: ObjectEventKind, lib: UInt64, object: UInt64, generation: UInt64, name: [UInt8]) {
        self.kind = kind
        self.lib = lib
        self.object = object
        self.generation = generation
        self.name = name
    }
}

/// What a receiver gets out of one good frame.
public enum Message: Sendable, Equatable {
    case request(rid: UInt16, Request)
    case answer(rid: UInt16, Answer)
    case event(ObjectEvent)
    /// A good frame whose body breaks the rules: the guest answers EPROTO, the host drops it.
    case malformed(type: UInt8, rid: UInt16, reason: String)
    /// A good frame of a type this side does not know: the guest answers ENOSYS.
    case unknown(type: UInt8, rid: UInt16)
}
