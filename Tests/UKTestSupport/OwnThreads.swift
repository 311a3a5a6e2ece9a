import NIOCore
import NIOPosix
import Testing

/// Runs a test's asynchronous work on threads of its own instead of Swift's cooperative pool.
///
/// All suites share one test process, and the integration suites' synchronous tests each hold a
/// thread of that pool while their commands run — on a two-core machine, the whole pool, for
/// minutes. A test whose tasks wait there for an answer that has long arrived then meets its own
/// deadline: CI saw a share's clients give up after 120 s with the answers already on the wire.
/// Tests that hold a peer to a deadline run here, so what they measure is the code, not the queue.
public struct OwnThreads: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test, testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        try await withTaskExecutorPreference(LoopExecutor.shared) {
            try await function()
        }
    }
}

extension Trait where Self == OwnThreads {
    /// `@Suite(.ownThreads)`: the suite's tasks run on threads no other suite can hold.
    public static var ownThreads: Self { OwnThreads() }
}

/// A task executor made of NIO event loops: each job runs on the next loop of a group that lives
/// as long as the process.
final class LoopExecutor: TaskExecutor {
    static let shared = LoopExecutor(group: MultiThreadedEventLoopGroup(numberOfThreads: 2))

    private let group: MultiThreadedEventLoopGroup

    private init(group: MultiThreadedEventLoopGroup) {
        self.group = group
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        group.next().execute {
            job.runSynchronously(on: executor)
        }
    }
}
