import Foundation
import Logging
import NIOPosix
import Testing
import UKBridge
import UKBridgeClient
import UKTestSupport

@testable import UKFilesystem

/// The line's job alone: what a use does when there is no connection, by policy. The guest is a
/// socket path nothing listens on, so every attempt fails at once. No root, no FUSE.
@Suite("The guest's line: always on, or opened on use", .ownThreads)
struct GuestLinkTests {
    private func link(_ policy: any LinePolicy) -> GuestLink {
        let status = MountStatus(instanceName: "vm", address: .unix(path: "/nonexistent/ukfs-unit/vm.sock"))
        return GuestLink(
            status: status, group: MultiThreadedEventLoopGroup.singleton, timeout: .seconds(1), policy: policy,
            logger: Logger(label: "test"))
    }

    private func answer(_ link: GuestLink) async -> Result<Answer, BridgeError> {
        await withCheckedContinuation { done in link.send(.ping) { done.resume(returning: $0) } }
    }

    @Test("always on: a use with no connection fails at once and never connects; the line is never dormant")
    func alwaysOn() async {
        let line = link(AlwaysOn())
        #expect(!line.isDormant)
        #expect(await answer(line) == .failure(.disconnected))
        #expect(line.status.connection == .connected, "no attempt was made: a failed one would have set its reason")
        #expect(line.lastUseIfConnected == nil)
        #expect(await line.closeToMakeRoom(unusedFor: .zero) == false)
    }

    @Test("on use: a use connects first; a failed attempt gives its descriptors back and is the use's error")
    func onUse() async {
        let budget = ConnectionBudget(descriptors: 131)
        #expect(budget.limit == 1)
        let line = link(OnDemandConnection(name: "vm", budget: budget, idleAfter: nil, retryPause: .seconds(3600)))
        #expect(line.isDormant)
        guard case .failure(let error) = await answer(line) else {
            Issue.record("answered without a guest")
            return
        }
        #expect(error != .disconnected, "the attempt's own reason, not a refusal")
        guard case .disconnected = line.status.connection else {
            Issue.record("state \(line.status.connection)")
            return
        }
        #expect(budget.take(for: "other") == nil, "the failed attempt's share of descriptors is free again")
        #expect(await answer(line) == .failure(error), "within the retry pause: the same error, no new attempt")
    }

    @Test("only the adopted attempt's close counts; failures in a row grow the backoff to 1.6 s")
    func linkState() {
        var state = LinkState()
        #expect(state.nextAttempt() == 1)
        #expect(state.isDown)
        #expect(!state.lose(attempt: 1, at: .now).ours, "nothing adopted: a failed handshake's close is not a loss")
        #expect(state.fail() == 1 && state.fail() == 2)
        #expect(RetryPause.delay(afterFailures: 1) == .milliseconds(100))
        #expect(RetryPause.delay(afterFailures: 2) == .milliseconds(200))
        #expect(RetryPause.delay(afterFailures: 9) == .milliseconds(1600))
        state.stopping = true
        #expect(!state.isDown, "a stopped link is not waiting for a use")
    }

    @Test("a stopped line neither connects nor stays dormant")
    func stopped() async {
        let line = link(OnDemandConnection(name: "vm", budget: ConnectionBudget(descriptors: 1000), idleAfter: nil))
        line.stop()
        #expect(!line.isDormant)
        #expect(await answer(line) == .failure(.disconnected))
    }
}
