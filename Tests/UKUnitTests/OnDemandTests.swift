import Foundation
import Synchronization
import Testing
import UKBridgeClient
import UKTestSupport

@testable import UKFilesystem

/// The pieces that keep a `mount --all` folder's cost to its use: the descriptor-derived connection
/// budget, one shared connection attempt per wake, and the listener probe that finds instances
/// without a word to their guests.
@Suite("mount --all on demand", .ownThreads)
struct OnDemandTests {
    @Test("the budget is (descriptors − reserve) / 3 connections; a refusal names the folder until it connects")
    func budget() {
        let budget = ConnectionBudget(descriptors: 140)
        #expect(budget.limit == 4)
        for _ in 0..<4 { #expect(budget.take(for: "a") == nil) }
        #expect(budget.take(for: "b") == .connectionBudget(limit: 4, descriptors: 140))
        #expect(budget.refusedNames() == ["b"])
        budget.giveBack()
        #expect(budget.take(for: "b") == nil)
        #expect(budget.refusedNames().isEmpty)
        #expect(ConnectionBudget(descriptors: 10).limit == 1, "a tiny limit still allows one connection")
    }

    @Test("concurrent uses share one attempt; after a failure, uses within the pause get it at once")
    func sharedAttempt() async {
        // A pause of an hour: however slow the machine, the second use comes within it.
        let wake = OnDemandConnection(
            name: "vm", budget: ConnectionBudget(descriptors: 1000), idleAfter: nil, retryPause: .seconds(3600))
        let attempts = Attempts()
        let release = AsyncStream<Void>.makeStream()
        let connect: @Sendable () async throws(BridgeError) -> Void = { () async throws(BridgeError) in
            attempts.count.add(1, ordering: .relaxed)
            for await _ in release.stream { break }
            throw BridgeError.disconnected
        }
        let results = await withTaskGroup(of: BridgeError?.self) { group in
            for _ in 0..<5 {
                group.addTask {
                    await withCheckedContinuation { done in
                        wake.wake(connect: connect, onFailure: { _ in }, done: { done.resume(returning: $0) })
                    }
                }
            }
            // Let every use join before the attempt ends.
            try? await Task.sleep(for: .milliseconds(100))
            release.continuation.yield()
            release.continuation.finish()
            var results: [BridgeError?] = []
            for await result in group { results.append(result) }
            return results
        }
        #expect(attempts.count.load(ordering: .relaxed) == 1)
        #expect(results == Array(repeating: .disconnected, count: 5))
        let again = await withCheckedContinuation { done in
            wake.wake(connect: connect, onFailure: { _ in }, done: { done.resume(returning: $0) })
        }
        #expect(again == .disconnected && attempts.count.load(ordering: .relaxed) == 1, "retried within the pause")
    }

    @Test("idle once idleAfter passed without a use, not again right after one; never without idleAfter")
    func idleness() async throws {
        let budget = ConnectionBudget(descriptors: 1000)
        let never = OnDemandConnection(name: "vm", budget: budget, idleAfter: nil)
        let hour = OnDemandConnection(name: "vm", budget: budget, idleAfter: .seconds(3600))
        let soon = OnDemandConnection(name: "vm", budget: budget, idleAfter: .seconds(2))
        #expect(!never.isIdle && !hour.isIdle)
        // A deadline, not a duration: however loaded the machine, it becomes idle.
        let deadline = ContinuousClock.now + .seconds(60)
        while !soon.isIdle && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(soon.isIdle)
        soon.noteUse()
        #expect(!soon.isIdle, "a use two seconds ago at most")
        #expect(!never.isIdle)
    }

    @Test("the probe tells a listener from a leftover socket and a missing one, sending nothing")
    func probe() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ukfs-probe-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/vm.sock"
        #expect(ListenerProbe.probe(path) == ENOENT)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(bound == 0)
        #expect(ListenerProbe.probe(path) == ECONNREFUSED, "bound but not listening: a dead simulator's leftover")
        try #require(listen(fd, 4) == 0)
        #expect(ListenerProbe.probe(path) == nil)
        #expect(ListenerProbe.probe(folder + "/" + String(repeating: "x", count: 120)) == ENAMETOOLONG)
    }
}

/// Connection attempts a test's fake connect made.
private final class Attempts: Sendable {
    let count = Atomic<Int>(0)
}
