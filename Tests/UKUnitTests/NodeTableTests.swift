import Testing
import UKBridge

@testable import UKFilesystem

@Suite("The node table: stable inodes and what the kernel must forget")
struct NodeTableTests {
    private func name(_ text: String) -> [UInt8] { Array(text.utf8) }

    private func entry(_ id: UInt64) -> NodeKind {
        .entry(.staticEntry(lib: 1, entry: id), .u64, .readable)
    }

    private func ino(_ table: NodeTable, _ parent: UInt64, _ child: String) -> UInt64? {
        guard case .found(let node) = table.child(of: parent, named: name(child), countingLookup: false) else { return nil }
        return node.ino
    }

    /// A table whose root holds `lib`, listed, holding the entry `e`.
    private func libraryWithEntry() throws -> (table: NodeTable, lib: UInt64, leaf: UInt64) {
        let table = NodeTable(metaFiles: [])
        _ = table.replaceChildren(of: table.root, with: [(name("lib"), .library(1))])
        let lib = try #require(ino(table, table.root, "lib"))
        _ = table.replaceChildren(of: lib, with: [(name("e"), entry(1))])
        return (table, lib, try #require(ino(table, lib, "e")))
    }

    @Test("a fresh table has the FUSE root and its .ukfs folder, and nothing listed yet")
    func freshTable() {
        let table = NodeTable(metaFiles: MetaFile.allCases)
        #expect(table.root == 1)
        #expect(ino(table, table.root, ".ukfs") == table.metaFolder)
        #expect(table.listing(of: table.metaFolder)?.map(\.name) == MetaFile.allCases.map { name($0.rawValue) })
        guard case .notListed = table.child(of: table.root, named: name("libukalloc"), countingLookup: false) else {
            Issue.record("a name in an unlisted root must ask for a listing")
            return
        }
        #expect(!table.isListed(table.root))
        #expect(table.listing(of: table.root)?.map(\.name) == [name(".ukfs")])
    }

    @Test("re-listing keeps the inode of every child whose name and kind are unchanged")
    func stableInodes() throws {
        let table = NodeTable(metaFiles: [])
        _ = table.replaceChildren(of: table.root, with: [(name("a"), .library(1)), (name("b"), .library(2))])
        let a = try #require(ino(table, table.root, "a"))
        let b = try #require(ino(table, table.root, "b"))
        #expect(a != b)
        let invalidations = table.replaceChildren(
            of: table.root,
            with: [
                (name("b"), .library(2)), (name("a"), .library(1)),
                (name("c"), .library(3)),
            ])
        #expect(invalidations.isEmpty)
        #expect(ino(table, table.root, "a") == a)
        #expect(ino(table, table.root, "b") == b)
        #expect(table.listing(of: table.root)?.map(\.name) == [name(".ukfs"), name("b"), name("a"), name("c")])
    }

    @Test("a child the kernel looked up and that vanished is invalidated; one it never saw is not")
    func invalidations() throws {
        let table = NodeTable(metaFiles: [])
        _ = table.replaceChildren(of: table.root, with: [(name("seen"), .library(1)), (name("unseen"), .library(2))])
        let seen = try #require(ino(table, table.root, "seen"))
        let unseen = try #require(ino(table, table.root, "unseen"))
        _ = table.child(of: table.root, named: name("seen"), countingLookup: true)
        let invalidations = table.replaceChildren(of: table.root, with: [])
        #expect(invalidations == [.delete(parent: table.root, child: seen, name: name("seen"))])
        #expect(table.node(unseen) == nil)
        // Still held by the kernel: kept, detached, until it forgets it.
        #expect(table.node(seen)?.attached == false)
        table.forget(seen, count: 1)
        #expect(table.node(seen) == nil)
    }

    @Test("a child whose kind changed under the same name is a new node")
    func kindChange() throws {
        let table = NodeTable(metaFiles: [])
        _ = table.replaceChildren(of: table.root, with: [(name("x"), .library(1))])
        let before = try #require(ino(table, table.root, "x"))
        _ = table.child(of: table.root, named: name("x"), countingLookup: true)
        let invalidations = table.replaceChildren(of: table.root, with: [(name("x"), .library(9))])
        let after = try #require(ino(table, table.root, "x"))
        #expect(after != before)
        #expect(invalidations == [.delete(parent: table.root, child: before, name: name("x"))])
    }

    @Test("a guest cannot hide or replace .ukfs in the root")
    func metaFolderStays() {
        let table = NodeTable(metaFiles: MetaFile.allCases)
        _ = table.replaceChildren(of: table.root, with: [(name("lib"), .library(1))])
        #expect(ino(table, table.root, ".ukfs") == table.metaFolder)
        #expect(table.listing(of: table.root)?.first?.name == name(".ukfs"))
    }

    @Test("a vanished directory takes its subtree along, each node going once the kernel forgets it")
    func subtree() throws {
        let (table, lib, leaf) = try libraryWithEntry()
        _ = table.child(of: lib, named: name("e"), countingLookup: true)
        _ = table.child(of: lib, named: name("e"), countingLookup: true)
        _ = table.replaceChildren(of: table.root, with: [])
        #expect(table.node(lib) == nil)
        #expect(table.node(leaf)?.attached == false)
        table.forget(leaf, count: 1)
        #expect(table.node(leaf) != nil)
        table.forget(leaf, count: 1)
        #expect(table.node(leaf) == nil)
    }

    @Test("a rebooted guest's whole tree is dropped, .ukfs kept, the root listed anew")
    func forgetGuestTree() throws {
        let table = NodeTable(metaFiles: MetaFile.allCases)
        _ = table.replaceChildren(of: table.root, with: [(name("lib"), .library(1))])
        let lib = try #require(ino(table, table.root, "lib"))
        _ = table.child(of: table.root, named: name("lib"), countingLookup: true)
        #expect(table.forgetGuestTree() == [.delete(parent: table.root, child: lib, name: name("lib"))])
        #expect(!table.isListed(table.root))
        #expect(ino(table, table.root, ".ukfs") == table.metaFolder)
        #expect(table.listedGuestDirectories().isEmpty)
    }

    @Test("an instance's table numbers every node inside its own inode slot")
    func inodeBase() throws {
        let base = InodeSpace.base(of: 7)
        let table = NodeTable(metaFiles: MetaFile.allCases, inodeBase: base)
        #expect(table.root == base + NodeTable.rootID)
        _ = table.replaceChildren(of: table.root, with: [(name("lib"), .library(1))])
        let lib = try #require(ino(table, table.root, "lib"))
        #expect(InodeSpace.slot(of: lib) == 7)
        #expect(InodeSpace.slot(of: table.metaFolder) == 7)
        #expect(table.node(NodeTable.rootID) == nil)
    }

    @Test("an entry is not a directory, and names under it say so")
    func notADirectory() throws {
        let (table, lib, leaf) = try libraryWithEntry()
        guard case .notADirectory = table.child(of: leaf, named: name("x"), countingLookup: false) else {
            Issue.record("a lookup under an entry must be ENOTDIR")
            return
        }
        guard case .missing = table.child(of: lib, named: name("nope"), countingLookup: false) else {
            Issue.record("a name a listed directory lacks must be missing")
            return
        }
    }
}
