import ArgumentParser
import Foundation
import Logging
import NIOPosix
import UKBridge
import UKBridgeClient
import UKGuestTree

/// The instance argument and time bound every scripting command (ls, get, set, watch, dump) takes.
struct InstanceOptions: ParsableArguments {
    @Argument(
        help:
            "An instance name (the registry, then KraftKit) or an address (unix:PATH or a path with a /, tcp:HOST:PORT, vsock:CID:PORT, fc-vsock:PATH:PORT).",
        completion: .custom(Completions.instances))
    var instance: String

    @Option(help: "Seconds to wait for each answer of the guest.")
    var timeout: Double = 2

    var duration: Duration { .milliseconds(Int64(max(timeout, 0.05) * 1000)) }
}

/// One connection to an instance for the length of a scripting command, with the errors of the
/// mount: a path the mount would refuse with an errno makes the command exit with that errno.
struct ScriptSession {
    let target: ResolvedInstance
    let tree: GuestTree
    private let group: MultiThreadedEventLoopGroup

    /// `role`: a command that runs for long (watch) holds the line and shares it; the others use
    /// it for a moment (through the share, if any).
    static func open(_ options: InstanceOptions, label: String, role: LineRole = .user) async throws -> ScriptSession {
        let target = try await ResolvedInstance.resolving(options.instance)
        let logger = LoggingSetup.logger(label, level: .error)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            let line = try await LineConnector.connect(
                target.line, role: role, group: group,
                timeout: options.duration, logger: logger)
            return ScriptSession(
                target: target, tree: GuestTree(connection: line.connection, timeout: options.duration),
                group: group)
        } catch {
            try? await group.shutdownGracefully()
            throw CLIError(target.describe(error))
        }
    }

    func close() async {
        tree.connection.close()
        try? await group.shutdownGracefully()
    }

    /// Runs `body` on an open session and always closes it.
    static func with<T>(
        _ options: InstanceOptions, label: String, role: LineRole = .user,
        _ body: (ScriptSession) async throws -> T
    ) async throws -> T {
        let session = try await open(options, label: label, role: role)
        do {
            let result = try await body(session)
            await session.close()
            return result
        } catch {
            await session.close()
            throw error
        }
    }

    /// The one line and exit status for a tree error, as `cat` on the mount would report it.
    func failure(_ error: TreeError) -> CLIError {
        switch error {
        case .path(let path, let errno):
            return failure(path: path, errno: errno)
        case .bridge(let bridgeError):
            return CLIError(target.describe(bridgeError), status: bridgeError.errno)
        }
    }

    func failure(path: String, errno: Int32) -> CLIError {
        CLIError("\(target.name): \(path): \(String(cString: strerror(errno)))", status: errno)
    }

    func resolve(_ path: String) async throws -> GuestTree.Node {
        do { return try await tree.resolve(path) } catch { throw failure(error) }
    }

    /// The entry at `path`; a directory is EISDIR, as opening it for reading would be.
    func entry(_ path: String) async throws -> TreeEntry {
        guard case .entry(let entry) = try await resolve(path) else { throw failure(path: path, errno: EISDIR) }
        return entry
    }
}
