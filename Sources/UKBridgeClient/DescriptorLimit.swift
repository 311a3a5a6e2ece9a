import Foundation

/// The process's descriptor limit (RLIMIT_NOFILE), which bounds how many instances one process can
/// serve or follow: each costs descriptors (a listening socket, a connection, a lock, a share).
public enum DescriptorLimit {
    /// Raises the soft limit to the hard one (allowed without privilege) and returns the soft limit
    /// now in force. Processes started by a shell often get 1024 while the hard limit is far higher.
    @discardableResult
    public static func raiseToHard() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)   // RLIM_INFINITY, all ones, clamps to Int.max
    }

    /// Descriptors open now (entries of /proc/self/fd), nil if that cannot be read.
    public static func inUse() -> Int? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return nil }
        return entries.count
    }
}
