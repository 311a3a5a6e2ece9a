import Foundation
import Testing
import UKBridge

@testable import UKBridgeClient
@testable import UKGuestTree

@Suite("GET batches: as few requests as the guest's limits allow")
struct BatchingTests {
    private func refs(_ count: Int, entry: UInt64 = 1) -> [EntryRef] {
        (0..<count).map { .staticEntry(lib: UInt64($0), entry: entry) }
    }

    @Test("refs are cut into batches of at most maxBatch, in order, none empty")
    func byCount() {
        #expect(GuestTree.batches(refs(10), maxBatch: 4, maxPayload: 65535) == [0..<4, 4..<8, 8..<10])
        #expect(GuestTree.batches(refs(4), maxBatch: 4, maxPayload: 65535) == [0..<4])
        #expect(GuestTree.batches([], maxBatch: 4, maxPayload: 65535).isEmpty)
    }

    @Test("a guest announcing a batch of 0 still gets every entry, one at a time")
    func zeroBatch() {
        #expect(GuestTree.batches(refs(3), maxBatch: 0, maxPayload: 65535) == [0..<1, 1..<2, 2..<3])
    }

    @Test("each request fits the guest's payload limit")
    func byPayload() {
        // Each ref here is 3 bytes, a request's header 6: 30 bytes hold 8 refs.
        let all = refs(20)
        let ranges = GuestTree.batches(all, maxBatch: 1024, maxPayload: 30)
        #expect(ranges.first == 0..<8)
        #expect(ranges.flatMap { Array($0) } == Array(0..<20))
        for range in ranges {
            #expect(6 + all[range].map(\.encodedSize).reduce(0, +) <= 30)
        }
    }

    @Test("a ref bigger than the payload alone still goes out, by itself")
    func oversized() {
        let big = [EntryRef(lib: .max, slot: .max, entry: .max), .staticEntry(lib: 1, entry: 1)]
        #expect(GuestTree.batches(big, maxBatch: 8, maxPayload: 10) == [0..<1, 1..<2])
    }
}

@Suite("Reading entries in batches")
struct BatchedReadTests {
    private func entry(_ id: UInt64, _ access: Access = .readable) -> TreeEntry {
        TreeEntry(
            ref: .staticEntry(lib: 1, entry: id), type: .u64, access: access, library: Array("lib".utf8),
            object: nil, name: Array("e\(id)".utf8))
    }

    /// Every GET asked for, and a guest that answers each entry with its id, or EOVERFLOW for the
    /// ids in `tooBig` when they share a GET.
    actor Guest {
        private(set) var gets: [[UInt64]] = []
        let tooBig: Set<UInt64>

        init(tooBig: Set<UInt64> = []) { self.tooBig = tooBig }

        func get(_ refs: [EntryRef]) -> [EntryResult] {
            gets.append(refs.map(\.entry))
            return refs.map { ref in
                tooBig.contains(ref.entry) && refs.count > 1 ? .error(WireErrno.EOVERFLOW) : .value(.unsigned(.u64, ref.entry))
            }
        }
    }

    @Test("results come back in the entries' order, a GET per batch")
    func order() async {
        let guest = Guest()
        let entries = (1...5).map { entry($0) }
        let results = await GuestTree.read(entries, maxBatch: 2, maxPayload: 65535) { await guest.get($0) }
        #expect(results == (1...5).map { .value(.unsigned(.u64, $0)) })
        #expect(await guest.gets == [[1, 2], [3, 4], [5]])
    }

    @Test("an entry without a getter is EACCES and never asked for")
    func noGetter() async {
        let guest = Guest()
        let entries = [entry(1), entry(2, .writable), entry(3)]
        let results = await GuestTree.read(entries, maxBatch: 8, maxPayload: 65535) { await guest.get($0) }
        #expect(results == [.value(.unsigned(.u64, 1)), .error(EACCES), .value(.unsigned(.u64, 3))])
        #expect(await guest.gets == [[1, 3]])
    }

    @Test("a value too big to share an answer (EOVERFLOW) is asked for alone")
    func overflowAlone() async {
        let guest = Guest(tooBig: [2])
        let entries = (1...3).map { entry($0) }
        let results = await GuestTree.read(entries, maxBatch: 8, maxPayload: 65535) { await guest.get($0) }
        #expect(results == (1...3).map { .value(.unsigned(.u64, $0)) })
        #expect(await guest.gets == [[1, 2, 3], [2]])
    }
}
