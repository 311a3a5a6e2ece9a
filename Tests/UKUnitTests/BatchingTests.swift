import Testing
import UKBridge

@testable import UKBridgeClient

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
