import Testing
import UKBridge
import UKBridgeClient
import UKGuestTree

@testable import UKFilesystem

@Suite("Names and places of what a guest lists")
struct ListingRulesTests {
    private func name(_ text: String) -> [UInt8] { Array(text.utf8) }

    private func entry(_ id: UInt64, _ text: String, type: EntryType? = .u64) -> ListedChild {
        ListedChild(kind: .entry, id: id, type: type, access: .readable, name: name(text))
    }

    @Test("names that are not one harmless path component are refused, each for its reason")
    func nameRules() {
        #expect(NameRules.check(name("rx_bytes")) == nil)
        #expect(NameRules.check(name("né")) == nil)
        #expect(NameRules.check([]) == .empty)
        #expect(NameRules.check([UInt8](repeating: 0x61, count: 256)) == .tooLong)
        #expect(NameRules.check([UInt8](repeating: 0x61, count: 255)) == nil)
        #expect(NameRules.check(name("a/b")) == .slash)
        #expect(NameRules.check([0x61, 0]) == .nul)
        #expect(NameRules.check(name(".")) == .dot)
        #expect(NameRules.check(name("..")) == .dot)
        #expect(NameRules.check(name("...")) == nil)
        #expect(NameRules.check([0xC3, 0x28]) == .invalidUTF8)
        #expect(NameRules.check(name("a\u{1B}[31m")) == .control)
        #expect(NameRules.check(name("a\u{7F}")) == .control)
        #expect(NameRules.check(name("a\u{85}")) == .control)
    }

    @Test("libraries only in the root, objects only in a library, entries in a library or an object")
    func placement() {
        let library = ListedChild(kind: .library, id: 2, name: name("lib"))
        let object = ListedChild(kind: .object, id: 4, name: name("obj"))
        #expect(PlacedChild.place(library, in: .root) == .library(id: 2))
        #expect(PlacedChild.place(library, in: .library(1)) == nil)
        #expect(PlacedChild.place(object, in: .library(2)) == .object(lib: 2, id: 4))
        #expect(PlacedChild.place(object, in: .root) == nil)
        #expect(PlacedChild.place(object, in: .object(lib: 2, object: 4)) == nil)
        #expect(PlacedChild.place(entry(9, "e"), in: .root) == nil)
        #expect(
            PlacedChild.place(entry(9, "e"), in: .library(2))
                == .entry(.staticEntry(lib: 2, entry: 9), .u64, .readable))
        #expect(
            PlacedChild.place(entry(9, "e"), in: .object(lib: 2, object: 4))
                == .entry(EntryRef(lib: 2, slot: 5, entry: 9), .u64, .readable))
    }

    @Test("an entry without a type, or in the object whose id has no slot, has no place")
    func unplaceable() {
        #expect(PlacedChild.place(entry(9, "e", type: nil), in: .library(2)) == nil)
        #expect(PlacedChild.place(entry(9, "e"), in: .object(lib: 2, object: .max)) == nil)
        #expect(PlacedChild.place(entry(9, "e"), in: .object(lib: 2, object: .max - 1)) != nil)
    }

    @Test("the gate refuses bad names, repeats, reserved names and misplaced children, and says why")
    func gate() {
        var refused: [(String, NameRules.Refusal?)] = []
        let listed = [
            ListedChild(kind: .library, id: 1, name: name("libuknetdev")),
            ListedChild(kind: .library, id: 2, name: name("libuknetdev")),
            ListedChild(kind: .library, id: 3, name: name("a/b")),
            ListedChild(kind: .library, id: 4, name: name(".ukfs")),
            ListedChild(kind: .object, id: 5, name: name("stray")),
        ]
        let (accepted, aliases) = ListingGate.children(from: listed, in: .root, library: nil, reserved: [name(".ukfs")]) {
            refused.append((String(decoding: $0, as: UTF8.self), $1))
        }
        #expect(accepted.map(\.name) == [name("libuknetdev")])
        #expect(accepted.map(\.child) == [.library(id: 1)])
        #expect(refused.map(\.0) == ["libuknetdev", "a/b", ".ukfs", "stray"])
        #expect(refused.map(\.1) == [.duplicate, .slash, .duplicate, nil])
        #expect(aliases.map(\.name) == [name("net")])
        #expect(aliases.map(\.target) == [name("libuknetdev")])
    }

    @Test("object aliases: netdevN is also ethN in libuknetdev, unless the guest has that name itself")
    func objectAliases() {
        let listed = [
            ListedChild(kind: .object, id: 0, name: name("netdev0")),
            ListedChild(kind: .object, id: 1, name: name("netdev1")),
            ListedChild(kind: .object, id: 2, name: name("eth1")),
            ListedChild(kind: .object, id: 3, name: name("netdevX")),
        ]
        let (_, aliases) = ListingGate.children(from: listed, in: .library(7), library: name("libuknetdev"))
        #expect(aliases.map(\.name) == [name("eth0")])
        #expect(aliases.map(\.target) == [name("netdev0")])
        let (_, none) = ListingGate.children(from: listed, in: .library(7), library: name("libukalloc"))
        #expect(none.isEmpty)
    }

    @Test("the mount's children are the gate's, as node kinds, with aliases as symlinks")
    func mountChildren() {
        let table = NodeTable(metaFiles: MetaFile.allCases)
        guard let root = table.node(table.root) else {
            Issue.record("no root")
            return
        }
        let listed = [
            ListedChild(kind: .library, id: 1, name: name("libukalloc")),
            ListedChild(kind: .library, id: 2, name: name(".ukfs")),
        ]
        let children = NodeChildren.children(from: listed, in: root) { _, _ in }
        #expect(children.map(\.name) == [name("libukalloc"), name("memory")])
        #expect(children.map(\.kind) == [.library(1), .alias(target: name("libukalloc"))])
    }
}
