import ArgumentParser
import Foundation
import Logging
import NIOPosix
import UKBridgeClient
import UKSimulator

struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Run a simulated Unikraft instance and register it as NAME (or a fleet, NAME-1 … NAME-N).",
        discussion:
            "Its store mirrors upstream's producers (docs/simulated-store.md). Ctrl-C stops it (every member of a fleet, removing their sockets)."
    )

    @Argument(help: "The name to register (letters, digits, - _ .); with --fleet, the members' prefix (default vm).")
    var name: String?

    @Option(help: "Serve this many instances from one process, registered as NAME-1 … NAME-N, each with its own boot id and values.")
    var fleet: Int?

    @Option(help: "Listen on this socket path instead of the registry's NAME.sock.")
    var socket: String?

    @Option(help: "Add this many entries (library appscale, 100 per object) for benchmarks at scale.")
    var scale: Int = 0

    @Option(
        help:
            "Listen on this address too (repeatable): unix:PATH, tcp:HOST:PORT (port 0: any free port), vsock:CID:PORT, or fc-vsock:PATH:PORT (a stand-in for Firecracker's hybrid vsock in front of guest port PORT)."
    )
    var listen: [String] = []

    @Flag(help: "Serve one connection at a time and leave the next waiting, as a real guest's line (a QEMU chardev) does.")
    var oneClient = false

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    func validate() throws {
        if fleet == nil && name == nil { throw ValidationError("give the NAME to register (or --fleet N)") }
        if !SimulatedStore.scales.contains(scale) { throw ValidationError("--scale \(scale): give 0 to 1000000 entries") }
        if fleet != nil && (socket != nil || !listen.isEmpty) {
            throw ValidationError("--fleet registers its members in the registry: --socket and --listen are for one instance")
        }
    }

    func run() async throws {
        try await reportingErrors {
            let logger = LoggingSetup.logger("ukfs.sim", level: logLevel)
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            if let fleet { return try await runFleet(size: fleet, group: group, logger: logger) }
            guard let name else { throw CLIError("give the NAME to register (or --fleet N)") }
            let simulator = try await SimulatorProcess.start(
                name: name, socket: socket, scale: scale, oneClient: oneClient,
                group: group, logger: logger)
            let extra: [(server: SimulatorServer, address: String)]
            do {
                extra = try await SimListeners.start(listen, store: simulator.server.store, group: group, logger: logger)
            } catch {
                await simulator.stop()
                throw error
            }
            Console.say("ukfs: simulating instance '\(name)' at \(simulator.path) (Ctrl-C to stop)")
            for listener in extra { Console.say("ukfs: also listening on \(listener.address)") }
            await Termination.serveForever()
        }
    }

    /// One event loop serves the whole fleet: threads do not grow with its size.
    private func runFleet(size: Int, group: MultiThreadedEventLoopGroup, logger: Logger) async throws {
        let base = name ?? "vm"
        let fleet = try await SimFleet.start(
            size: size, base: base, scale: scale, oneClient: oneClient,
            group: group, logger: logger)
        let folder = (fleet.members.first?.path as NSString?)?.deletingLastPathComponent ?? ""
        Console.say(
            "ukfs: simulating \(size) instance\(size == 1 ? "" : "s"), \(SimFleet.memberName(base, 1)) … \(SimFleet.memberName(base, size)), in \(folder) (Ctrl-C to stop)"
        )
        await Termination.serveForever()
    }
}

/// A simulator on a socket: registered in the registry folder, or at an explicit path.
struct SimulatorProcess {
    let server: SimulatorServer
    let path: String

    static func start(
        name: String, socket: String?, scale: Int = 0, seed: UInt32 = 0, oneClient: Bool = false,
        group: MultiThreadedEventLoopGroup, logger: Logger
    ) async throws -> SimulatorProcess {
        guard InstanceRegistry.isValidName(name) else {
            throw CLIError("'\(name)' cannot be an instance name: use letters, digits, - _ . (at most 64)")
        }
        let path: String
        if let socket {
            path = socket
        } else {
            let registry = InstanceRegistry()
            do { try registry.prepareFolder() } catch { throw CLIError(error.description) }
            path = registry.socketPath(for: name)
        }
        let oldMask = umask(0o177)   // the socket is born 0600
        defer { umask(oldMask) }
        // The socket is what outlives the process (the kernel closes the rest): a signal from the
        // moment it may exist removes it.
        return try await serve(
            name: name, at: path, scale: scale, seed: seed, oneClient: oneClient, group: group,
            logger: logger, willBind: { Termination.releasing { unlink(path) } })
    }

    /// Serves a new store at `path`, after clearing a dead simulator's leftover socket; `willBind`
    /// runs just before the socket is created. The caller sets the umask the socket is born with.
    static func serve(
        name: String, at path: String, scale: Int, seed: UInt32, oneClient: Bool,
        group: MultiThreadedEventLoopGroup, logger: Logger,
        willBind: () -> Void
    ) async throws -> SimulatorProcess {
        try await clearStaleSocket(at: path, name: name, group: group, logger: logger)
        let store = SimulatedStore(name: name, scale: scale, seed: seed)
        willBind()
        do {
            let server = try await SimulatorServer.start(
                store: store, unixSocketPath: path, group: group, logger: logger,
                oneClient: oneClient)
            return SimulatorProcess(server: server, path: path)
        } catch {
            throw CLIError("cannot listen on \(path): \(error) — is the folder writable?")
        }
    }

    /// A socket left by a simulator that died (nobody listens: refused) is removed; one that still
    /// answers, or listens but is busy with another host (a one-line guest), is refused.
    private static func clearStaleSocket(
        at path: String, name: String, group: MultiThreadedEventLoopGroup,
        logger: Logger
    ) async throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        do {
            let connection = try await BridgeConnection.connect(
                to: .unix(path: path), group: group,
                timeout: .seconds(1), logger: logger)
            connection.close()
        } catch .unreachable {
            unlink(path)
            return
        } catch {}
        throw CLIError("an instance is already answering at \(path) — stop it, or choose another name")
    }

    func stop() async {
        await server.close()
        unlink(path)
    }
}
