import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOPosix
import UKBridgeClient
import UKFilesystem

struct MountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mount",
        abstract: "Mount an instance's store at MOUNTPOINT (--all: every registered instance, a folder each).",
        discussion: """
            Returns once the mount is ready and keeps serving in the background (-f: stay in the foreground). \
            ukfs mount --all MOUNTPOINT follows the registry: instances appear and vanish as they register and go away.
            """)

    @Argument(help: "An instance name from the registry, or an address (unix:PATH, or a socket path); with --all, the mountpoint.")
    var instance: String

    @Argument(help: "An existing, empty directory.")
    var mountpoint: String?

    @Flag(help: "Mount every instance of the registry, a folder each (MOUNTPOINT/NAME/…), as they come and go.")
    var all = false

    @Flag(name: [.customShort("f"), .customLong("foreground")], help: "Stay in the foreground; Ctrl-C unmounts.")
    var foreground = false

    @Option(name: .customShort("o"), help: "Mount options: allow_other, ro, wait, timeout=SECONDS, max_threads=N, log=PATH.")
    var options: [String] = []

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .warning

    @Option(help: .hidden)
    var readyFD: Int32?

    func validate() throws {
        if all && mountpoint != nil { throw ValidationError("with --all, give only the mountpoint: ukfs mount --all MOUNTPOINT") }
        if !all && mountpoint == nil { throw ValidationError("give an instance and a mountpoint: ukfs mount NAME MOUNTPOINT (or ukfs mount --all MOUNTPOINT)") }
    }

    func run() async throws {
        let ready = ReadyChannel(fd: readyFD)
        do {
            if all { try await mountAll(at: instance, ready: ready) } else { try await mount(ready: ready) }
        } catch let error as CLIError {
            ready.fail(error.description)
            StandardStreams.err("ukfs: \(error.description)\n")
            throw ExitCode(1)
        }
    }

    private func mount(ready: ReadyChannel) async throws {
        let target = try ResolvedInstance(instance, registry: InstanceRegistry())
        try await serve(at: Self.absolute(mountpoint ?? ""), serverArguments: [instance], ready: ready,
                        what: target.name) { mountpoint, options, group, logger, prepared in
            do throws(MountError) {
                return try await FuseMount.mount(instanceName: target.name, address: target.address, share: target.share, at: mountpoint,
                                                 options: options, group: group, logger: logger, prepared: prepared)
            } catch {
                if case .guest(let bridgeError) = error { throw CLIError(target.describe(bridgeError)) }
                throw CLIError(error.description)
            }
        }
    }

    /// What every mount shares. In the background: check the mountpoint here (so a recovered stale
    /// mount or a busy mountpoint is told on this terminal, not in the server's log), start the
    /// server and return once it says it is ready. In the foreground: mount with `make`, report
    /// ready, and serve until unmounted or signalled.
    func serve(at absoluteMountpoint: String, serverArguments: [String], ready: ReadyChannel, what: String,
               make: (String, MountOptions, MultiThreadedEventLoopGroup, Logger,
                      @escaping @Sendable (FuseMount) -> Void) async throws -> FuseMount) async throws {
        let parsed = try ParsedMountOptions(options)
        if !foreground {
            do { try FuseMount.checkMountpoint(absoluteMountpoint) } catch { throw CLIError(error.description) }
            try Background.spawnServer(arguments: ["mount"] + serverArguments + [absoluteMountpoint, "--foreground",
                                                   "--log-level", logLevel.rawValue] + options.flatMap { ["-o", $0] },
                                       logPath: parsed.logPath)
            return
        }
        let logger = LoggingSetup.logger("ukfs.mount", level: logLevel)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: Self.eventLoopThreads)
        let mount: FuseMount
        do {
            // A signal from the moment the mount exists unmounts it.
            mount = try await make(absoluteMountpoint, parsed.filesystem, group, logger) { mount in
                Termination.releasing { mount.unmount() }
            }
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        ready.succeed()
        logger.info("mounted \(what) at \(absoluteMountpoint)")
        await FuseServing.run(mount)
        try? await group.shutdownGracefully()
    }

    /// Guest connections are spread over several event loops (NIO assigns them in turn), so in a
    /// `--all` mount one busy or hostile connection cannot hold up every other instance's answers.
    static let eventLoopThreads = min(max(System.coreCount, 2), 4)

    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return FileManager.default.currentDirectoryPath + "/" + path
    }
}

/// Runs a mount's blocking FUSE loop on a thread of its own and waits for it to end.
enum FuseServing {
    static func run(_ mount: FuseMount) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                mount.run()
                continuation.resume()
            }
            thread.name = "ukfs-fuse"
            thread.start()
        }
    }
}
