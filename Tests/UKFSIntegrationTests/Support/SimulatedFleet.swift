import Foundation

/// `ukfs sim --fleet SIZE BASE` registered in a test's registry folder: SIZE instances BASE-1 …
/// BASE-SIZE served by one process.
final class SimulatedFleet: @unchecked Sendable {
    // @unchecked: used from one test at a time.
    let base: String
    let size: Int
    let registry: String
    private(set) var pid: pid_t?

    init(_ size: Int, base: String = "vm", registry: String, environment: [String: String]) throws {
        self.base = base
        self.size = size
        self.registry = registry
        pid = Shell.spawn([Paths.ukfs, "sim", "--fleet", String(size), base, "--log-level", "warning"], environment: environment)
        // Generous: a loaded machine may take a while to bind thousands of sockets.
        guard pid != nil, Shell.eventually(within: 120, { self.socketCount == size }) else {
            stop()
            throw FixtureError("the fleet of \(size) did not register its sockets in \(registry)")
        }
    }

    func name(_ index: Int) -> String { "\(base)-\(index)" }

    /// The members' sockets now in the registry folder.
    var socketCount: Int {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: registry)) ?? []
        return files.filter { $0.hasPrefix(base + "-") && $0.hasSuffix(".sock") }.count
    }

    /// Threads of the fleet's process.
    var threads: Int? {
        guard let pid else { return nil }
        return (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task"))?.count
    }

    /// Ends it with `signal` and reaps it; returns its wait status (nil if it was not running).
    @discardableResult
    func stop(_ signal: Int32 = SIGTERM) -> Int32? {
        guard let pid else { return nil }
        self.pid = nil
        return Shell.terminate(pid, signal: signal, grace: 30)
    }
}
