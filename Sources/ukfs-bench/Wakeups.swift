import Foundation

/// Thread wake-ups per read: the context switches of the ukfs daemon's threads and of the guest's
/// (every thread of each, /proc/PID/task/*/status) over a run of single-threaded reads. Each switch
/// away from a thread that then runs again is one wake-up on the way of a request and its answer.
enum Wakeups {
    struct Row: Codable {
        let name: String
        let daemonPerRead: Double
        let guestPerRead: Double
    }

    static func measure(name: String, path: String, daemon: pid_t, guest: pid_t, reads: Int) -> Row {
        let before = (switches(of: daemon), switches(of: guest))
        _ = ReaderLoop.measure([path], threads: 1, budget: .operations(reads))
        let after = (switches(of: daemon), switches(of: guest))
        return Row(
            name: name, daemonPerRead: Double(after.0 - before.0) / Double(reads),
            guestPerRead: Double(after.1 - before.1) / Double(reads))
    }

    /// Voluntary and involuntary context switches of every thread of `pid`.
    static func switches(of pid: pid_t) -> Int {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        var total = 0
        for task in tasks {
            guard let status = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/status", encoding: .utf8) else { continue }
            for line in status.split(separator: "\n") where line.contains("ctxt_switches:") {
                total += Int(line.split(separator: "\t").last.map(String.init) ?? "") ?? 0
            }
        }
        return total
    }
}
