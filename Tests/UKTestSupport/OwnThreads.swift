import NIOCore
import NIOPosix
import Synchronization
import Testing

/// Runs each test's asynchronous work on a thread of its own instead of Swift's cooperative pool.
///
/// All suites share one test process, and the integration suites' synchronous tests each hold a
/// thread of that pool while their commands run — on a two-core machine, the whole pool, for
/// minutes. A test whose tasks wait there for an answer that has long arrived then meets its own
/// deadline: CI saw a share's clients give up after 120 s with the answers already on the wire.
/// Tests that hold a peer to a deadline run here, so what they measure is the code, not the queue;
/// one thread per running test, so a test that blocks its thread delays only itself.
public struct OwnThreads: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test, testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        // The suite itself has no work of its own to place; its test cases each take a thread.
        guard testCase != nil else { return try await function() }
        let executor = LoopExecutor.lease()
        defer { executor.giveBack() }
        try await withTaskExecutorPreference(executor) {
            try await function()
        }
    }
}

extension Trait where Self == OwnThreads {
    /// `@Suite(.ownThreads)`: each test's tasks run on a thread no other test holds meanwhile.
    public static var ownThreads: Self { OwnThreads() }
}

/// A task executor made of one NIO event loop. Loops are kept for the process's life and lent to
/// one test at a time: a job a finished test left behind still has a thread to run on.
final class LoopExecutor: TaskExecutor {
    private static let idle = Mutex<[LoopExecutor]>([])

    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let loop: EventLoop

    private init() {
        loop = group.next()
    }

    static func lease() -> LoopExecutor {
        idle.withLock { $0.popLast() } ?? LoopExecutor()
    }

    func giveBack() {
        Self.idle.withLock { $0.append(self) }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        loop.execute {
            job.runSynchronously(on: executor)
        }
    }
}
