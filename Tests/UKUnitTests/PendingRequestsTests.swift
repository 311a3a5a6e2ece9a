import NIOEmbedded
import Synchronization
import Testing
import UKBridge

@testable import UKBridgeClient

@Suite("Requests waiting for an answer")
struct PendingRequestsTests {
    /// Every completion a test's requests got, by request id.
    final class Outcomes: Sendable {
        private let results = Mutex<[UInt16: Result<Answer, BridgeError>]>([:])
        func record(_ rid: UInt16?, _ result: Result<Answer, BridgeError>) {
            guard let rid else { return }
            results.withLock { $0[rid] = result }
        }
        subscript(rid: UInt16?) -> Result<Answer, BridgeError>? {
            guard let rid else { return nil }
            return results.withLock { $0[rid] }
        }
        var count: Int { results.withLock { $0.count } }
    }

    /// Registers a request whose completion is recorded under its own id.
    private func register(_ pending: PendingRequests, timeout: Duration, into outcomes: Outcomes) -> UInt16? {
        let rid = Mutex<UInt16?>(nil)
        let registered = pending.register(timeout: timeout) { result in outcomes.record(rid.withLock { $0 }, result) }
        rid.withLock { $0 = registered }
        return registered
    }

    @Test("ids are never 0, never reused while waiting, and at most maxOutstanding wait")
    func ids() {
        let pending = PendingRequests()
        var ids = Set<UInt16>()
        for _ in 0..<BridgeConnection.maxOutstanding {
            guard let rid = pending.register(timeout: .seconds(60), completion: { _ in }) else {
                Issue.record("refused before the limit")
                return
            }
            #expect(rid != 0)
            ids.insert(rid)
        }
        #expect(ids.count == BridgeConnection.maxOutstanding)
        #expect(pending.register(timeout: .seconds(60), completion: { _ in }) == nil)
    }

    @Test("the sweep fails what is past its deadline with a timeout, and only that")
    func deadlineSweep() {
        let loop = EmbeddedEventLoop()
        let pending = PendingRequests()
        let outcomes = Outcomes()
        let expired = register(pending, timeout: .zero, into: outcomes)
        let waiting = register(pending, timeout: .seconds(60), into: outcomes)
        pending.startSweeping(on: loop)
        #expect(outcomes.count == 0)
        loop.advanceTime(by: .milliseconds(20))
        #expect(outcomes[expired] == .failure(.timedOut))
        #expect(outcomes[waiting] == nil)
        // The late answer to the expired one finds nobody waiting.
        #expect(!pending.complete(rid: expired ?? 0, with: .success(.set)))
        #expect(pending.complete(rid: waiting ?? 0, with: .success(.set)))
        #expect(outcomes[waiting] == .success(.set))
        pending.failAll(.disconnected)
        loop.advanceTime(by: .milliseconds(20))
        _ = try? loop.syncShutdownGracefully()
    }

    @Test("closing fails every waiting request as disconnected and refuses new ones")
    func failAll() {
        let pending = PendingRequests()
        let outcomes = Outcomes()
        let first = register(pending, timeout: .seconds(60), into: outcomes)
        let second = register(pending, timeout: .seconds(60), into: outcomes)
        pending.failAll(.disconnected)
        #expect(outcomes[first] == .failure(.disconnected))
        #expect(outcomes[second] == .failure(.disconnected))
        #expect(pending.register(timeout: .seconds(60), completion: { _ in }) == nil)
    }
}
