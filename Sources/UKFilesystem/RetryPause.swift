import Foundation
import UKBridgeClient

/// The pause between reconnect attempts: the backoff delay, cut short when the instance's Unix
/// socket appears or is made anew. A mount waiting for a VM that boots (`-o wait`) then connects
/// within about 0.1 s of the VM (or simulator) creating its socket, not up to 5 s later, while a
/// socket that stays dead is still tried only at the backoff's pace.
enum RetryPause {
    static let poll = Duration.milliseconds(100)

    /// The backoff delay: 0.1 s, doubling with each failure in a row, at most 1.6 s — short enough
    /// that a guest that behaves again is read within 2 s, long enough that one that never does
    /// costs under one connection a second.
    static func delay(afterFailures failures: Int) -> Duration {
        .milliseconds(100 << min(max(failures - 1, 0), 4))
    }

    static func wait(_ delay: Duration, for address: BridgeAddress) async {
        guard case .unix(let path) = address else {
            try? await Task.sleep(for: delay)
            return
        }
        let before = identity(of: path)
        let deadline = ContinuousClock.now + delay
        while ContinuousClock.now < deadline, !Task.isCancelled {
            try? await Task.sleep(for: min(poll, deadline - ContinuousClock.now))
            if let now = identity(of: path), now != before { return }
        }
    }

    /// Which file the path names now (device and inode), nil while there is none.
    static func identity(of path: String) -> [UInt64]? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return [UInt64(info.st_dev), UInt64(info.st_ino)]
    }
}
