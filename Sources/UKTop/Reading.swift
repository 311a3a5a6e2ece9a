import UKBridge
import UKBridgeClient
import UKGuestTree

/// The values of one batched GET of an instance, with when it was answered: what figures and
/// rates are made of.
public struct Reading: Sendable {
    /// One entry's value, keyed by where it lives.
    public struct Item: Sendable, Equatable {
        public let library: String
        public let object: String?
        public let name: String
        public let value: Value?

        public init(library: String, object: String?, name: String, value: Value?) {
            self.library = library
            self.object = object
            self.name = name
            self.value = value
        }

        /// `library/entry` or `library/object/entry`, as the mount's path.
        public var path: String { library + (object.map { "/" + $0 } ?? "") + "/" + name }

        /// The entry's name as producers mean it: a real 0.17 image may keep uknetdev's quotes.
        var plainName: String {
            name.count > 2 && name.hasPrefix("\"") && name.hasSuffix("\"") ? String(name.dropFirst().dropLast()) : name
        }

        /// An integer value as a number; nil for text, a failed getter or no value.
        public var number: Double? {
            switch value {
            case .signed(_, let number)?: Double(number)
            case .unsigned(_, let number)?: Double(number)
            default: nil
            }
        }
    }

    /// Monotonic nanoseconds when the answer came.
    public let time: UInt64
    /// The guest's boot id: counters of another boot are not compared.
    public let bootID: UInt64
    public let items: [Item]

    public init(time: UInt64, bootID: UInt64, items: [Item]) {
        self.time = time
        self.bootID = bootID
        self.items = items
    }

    /// Each entry's place as an item without a value: made once per listing, so a refresh only
    /// fills in values (no names decoded 1,000 times a second).
    public static func places(of entries: [TreeEntry]) -> [Item] {
        entries.map { entry in
            Item(
                library: String(decoding: entry.library, as: UTF8.self),
                object: entry.object.map { String(decoding: $0, as: UTF8.self) },
                name: String(decoding: entry.name, as: UTF8.self), value: nil)
        }
    }

    /// The items at `places` with their results, in order.
    public init(time: UInt64, bootID: UInt64, places: [Item], results: [EntryResult]) {
        var items: [Item] = []
        items.reserveCapacity(places.count)
        for (place, result) in zip(places, results) {
            var value: Value?
            if case .value(let read) = result { value = read }
            items.append(Item(library: place.library, object: place.object, name: place.name, value: value))
        }
        self.init(time: time, bootID: bootID, items: items)
    }
}
