import Foundation

/// SIGINT, SIGTERM and SIGHUP, taken synchronously by a dedicated thread: a signal handler could
/// run on any thread (NIO's, libfuse's) and can do almost nothing safely.
enum Signals {
    static let termination: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    static func blockTermination() {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in termination { sigaddset(&set, signal) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Calls `action` (on its own thread) with the first termination signal received.
    static func onTermination(_ action: @escaping @Sendable (Int32) -> Void) {
        let thread = Thread {
            var set = sigset_t()
            sigemptyset(&set)
            for signal in termination { sigaddset(&set, signal) }
            var received: Int32 = 0
            while sigwait(&set, &received) != 0 {}
            action(received)
        }
        thread.name = "ukfs-signals"
        thread.start()
    }

    /// Suspends until a termination signal arrives.
    static func waitForTermination() async -> Int32 {
        await withCheckedContinuation { continuation in
            onTermination { continuation.resume(returning: $0) }
        }
    }
}
