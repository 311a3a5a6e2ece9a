import Foundation

/// SIGINT, SIGTERM and SIGHUP, taken synchronously by one dedicated thread for every command: a
/// signal handler could run on any thread (NIO's, libfuse's) and can do almost nothing safely, and
/// a signal nobody waits for (blocked everywhere) would make a command unstoppable.
enum Signals {
    static let termination: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Called first thing in main, before any other thread exists, so every thread inherits the
    /// mask. SIGPIPE is ignored so a closed stdout is an EPIPE the output code handles
    /// (StandardStreams), not a death in the middle of a cleanup.
    static func takeOver() {
        var set = terminationSet()
        pthread_sigmask(SIG_BLOCK, &set, nil)
        signal(SIGPIPE, SIG_IGN)
        let thread = Thread {
            var set = terminationSet()
            var received: Int32 = 0
            while sigwait(&set, &received) != 0 {}
            Termination.end(by: received)
        }
        thread.name = "ukfs-signals"
        thread.start()
    }

    private static func terminationSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in termination { sigaddset(&set, signal) }
        return set
    }
}
