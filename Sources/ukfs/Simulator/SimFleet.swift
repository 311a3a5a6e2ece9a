import Foundation
import Logging
import NIOPosix
import Synchronization
import UKBridgeClient

/// `ukfs sim --fleet N [NAME]`: N simulated instances registered as NAME-1 … NAME-N, served by one
/// process on the caller's event-loop group, so tests and benchmarks get thousands of instances for
/// the cost of one listening socket each (and one descriptor per open connection), never a thread.
struct SimFleet {
    let members: [SimulatorProcess]

    /// At most this many instances in one fleet: ample for density work, and a bound on a typo.
    static let maxSize = 65_536
    /// Each instance holds its listening socket and, while a client is connected, one connection.
    static let descriptorsPerInstance = 2
    /// The process's own descriptors (event loop, standard streams, the registry folder, signals).
    static let reserve = 64
    /// Members started at once: the sockets appear in a burst, as a host starting VMs makes them,
    /// without an unbounded number of binds in flight.
    static let startWindow = 64

    static func memberName(_ base: String, _ index: Int) -> String { "\(base)-\(index)" }

    /// Checks what the fleet needs before anything is created: a name every member can have, and
    /// descriptors for all of them (raising the soft limit to the hard one first).
    static func check(size: Int, base: String) throws {
        guard (1...maxSize).contains(size) else { throw CLIError("--fleet \(size): give 1 to \(maxSize) instances") }
        let longest = memberName(base, size)
        guard InstanceRegistry.isValidName(longest) else {
            throw CLIError(
                "'\(longest)' cannot be an instance name: use a NAME of letters, digits, - _ . short enough for its -\(size) suffix (at most 64 in all)"
            )
        }
        let limit = DescriptorLimit.raiseToHard()
        let needed = size * descriptorsPerInstance + reserve
        guard needed <= limit else {
            throw CLIError(
                "--fleet \(size) needs about \(needed) descriptors but this process may open \(limit): raise the hard limit (ulimit -Hn, LimitNOFILE=) or run a fleet of at most \((limit - reserve) / descriptorsPerInstance)"
            )
        }
    }

    /// Starts every member; if one cannot start, the ones started are stopped and the error says which.
    static func start(
        size: Int, base: String, scale: Int, oneClient: Bool, group: MultiThreadedEventLoopGroup,
        logger: Logger
    ) async throws -> SimFleet {
        try check(size: size, base: base)
        let registry = InstanceRegistry()
        do { try registry.prepareFolder() } catch { throw CLIError(error.description) }
        // One umask for the whole fleet (it is the process's): every socket is born 0600.
        let oldMask = umask(0o177)
        defer { umask(oldMask) }
        // Paths whose socket may exist, removed by a signal at any moment from their bind on.
        let bound = BoundPaths()
        Termination.releasing { bound.unlinkAll() }
        var members: [SimulatorProcess] = []
        members.reserveCapacity(size)
        do {
            try await withThrowingTaskGroup(of: SimulatorProcess.self) { tasks in
                for index in 1...size {
                    if index > startWindow, let member = try await tasks.next() { members.append(member) }
                    let name = memberName(base, index)
                    let path = registry.socketPath(for: name)
                    tasks.addTask {
                        // The seed makes each member's values differ (docs/simulated-store.md).
                        try await SimulatorProcess.serve(
                            name: name, at: path, scale: scale, seed: UInt32(index),
                            oneClient: oneClient, group: group, logger: logger,
                            willBind: { bound.add(path) })
                    }
                }
                for try await member in tasks { members.append(member) }
            }
        } catch {
            // Members whose start completed after the failure are in `bound` only.
            for member in members { await member.server.close() }
            bound.unlinkAll()
            throw error
        }
        return SimFleet(members: members)
    }
}

/// The sockets a starting fleet has created or is creating, for whoever must remove them.
private final class BoundPaths: Sendable {
    private let paths = Mutex<[String]>([])

    func add(_ path: String) {
        paths.withLock { $0.append(path) }
    }

    func unlinkAll() {
        for path in paths.withLock({ $0 }) { unlink(path) }
    }
}
