import Foundation
import NIOCore
import Testing
import UKBridge

@testable import UKSimulator

@Suite("The simulated store")
struct SimulatorTests {
    @Test("a GET answer never exceeds what the host accepts: overflowing values become EOVERFLOW")
    func answersFitTheHost() {
        let big = EntryResult.value(.charp(Array(repeating: 0x61, count: 300)))
        let fitted = SimulatorConnectionHandler.fitting([big, big, .value(.unsigned(.u8, 1))], in: 512)
        #expect(fitted == [big, .error(WireErrno.EOVERFLOW), .value(.unsigned(.u8, 1))])
        let frame = FrameEncoder.frame(answer: .get(fitted), rid: 1)
        #expect(frame.readableBytes - ProtocolLimits.frameOverhead <= 512)
    }

    @Test("netdev_count creates and releases objects with events in the documented order")
    func netdevCount() {
        let store = SimulatedStore(name: "t")
        let seen = EventLog()
        _ = store.subscribe { seen.append($0) }
        let count = EntryRef.staticEntry(lib: SimulatedStore.appsim, entry: 1)
        #expect(store.set(count, .unsigned(.u8, 3)) == 0)
        #expect(store.set(count, .unsigned(.u8, 1)) == 0)
        #expect(
            seen.events.map { "\($0.kind) \(String(decoding: $0.name, as: UTF8.self)) \($0.generation)" }
                == ["created netdev1 2", "created netdev2 3", "released netdev2 4", "released netdev1 5"])
        #expect(
            store.set(EntryRef.staticEntry(lib: SimulatedStore.appsim, entry: 2), .charp(Array(repeating: 0x61, count: 64)))
                == WireErrno.ERANGE)
        #expect(store.set(EntryRef.staticEntry(lib: SimulatedStore.libukalloc, entry: 1), .unsigned(.u64, 1)) == WireErrno.EACCES)
    }
}

final class EventLog: @unchecked Sendable {
    // @unchecked: guarded by `lock`.
    private let lock = NSLock()
    private var stored: [ObjectEvent] = []
    func append(_ event: ObjectEvent) { lock.lock(); stored.append(event); lock.unlock() }
    var events: [ObjectEvent] { lock.lock(); defer { lock.unlock() }; return stored }
}
