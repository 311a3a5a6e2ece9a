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
            ukfs mount --all MOUNTPOINT follows the registry: instances appear and vanish as they register and go away; \
            each folder connects to its guest when first entered and closes the connection after -o idle=SECONDS unused \
            (default 60). No fixed number of instances: connections at once are bounded by the descriptor limit, and a \
            folder refused one is listed in MOUNTPOINT/.ukfs/refused.
            """)

    @Argument(
        help:
            "An instance name (the registry, then KraftKit) or an address (unix:PATH or a path with a /, tcp:HOST:PORT, vsock:CID:PORT, fc-vsock:PATH:PORT); with --all, the mountpoint.",
        completion: .custom(Completions.instances))
    var instance: String

    @Argument(help: "An existing, empty directory.", completion: .directory)
    var mountpoint: String?

    @Flag(help: "Mount every instance of the registry, a folder each (MOUNTPOINT/NAME/…), as they come and go.")
    var all = false

    @Flag(name: [.customShort("f"), .customLong("foreground")], help: "Stay in the foreground; Ctrl-C unmounts.")
    var foreground = false

    @Option(
        name: .customShort("o"),
        help: ArgumentHelp(
            "Mount options: allow_other, ro, rw, wait, timeout=SECONDS, max_threads=N, log=PATH; mount(8)'s generic ones (nosuid, nodev, noexec, noatime, _netdev, noauto, x-systemd.*, …) as FUSE filesystems take them.",
            valueName: "options"),
        completion: .custom(Completions.mountOptions))
    var options: [String] = []

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .warning

    @Option(help: .hidden)
    var readyFD: Int32?

    func validate() throws {
        if all && mountpoint != nil { throw ValidationError("with --all, give only the mountpoint: ukfs mount --all MOUNTPOINT") }
        if !all && mountpoint == nil {
            throw ValidationError("give an instance and a mountpoint: ukfs mount NAME MOUNTPOINT (or ukfs mount --all MOUNTPOINT)")
        }
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
        let registry = InstanceRegistry()
        let target: ResolvedInstance
        do {
            target = try ResolvedInstance(instance, registry: registry)
        } catch let error as CLIError {
            // -o wait by NAME: a VM that has not created its socket yet is waited for at the
            // registry's NAME.sock, as it would be by address.
            guard try ParsedMountOptions(options).filesystem.waitForGuest,
                let registered = ResolvedInstance.awaitingRegistration(instance, registry: registry)
            else { throw error }
            target = registered
        }
        let absoluteMountpoint = Self.absolute(mountpoint ?? "")
        let progress = MountProgress(
            what: target.name, mountpoint: absoluteMountpoint,
            announces: try ParsedMountOptions(options).filesystem.waitForGuest)
        try await serve(
            at: absoluteMountpoint, serverArguments: [instance], ready: ready, progress: progress,
            waiting: { progress.waitingLine(address: target.address.description) }
        ) { mountpoint, options, group, logger, prepared in
            var options = options
            options.source = instance
            do throws(MountError) {
                return try await FuseMount.mount(
                    instanceName: target.name, address: target.address, share: target.share, at: mountpoint,
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
    /// ready (to the waiting parent, or to systemd), and serve until unmounted or signalled.
    /// `waiting` says, once mounted, what the mount still waits for, if anything.
    func serve(
        at absoluteMountpoint: String, serverArguments: [String], ready: ReadyChannel, progress: MountProgress,
        waiting: @escaping () -> String?,
        make: (
            String, MountOptions, MultiThreadedEventLoopGroup, Logger,
            @escaping @Sendable (FuseMount) -> Void
        ) async throws -> FuseMount
    ) async throws {
        var parsed = try ParsedMountOptions(options)
        if !foreground {
            do { try FuseMount.checkMountpoint(absoluteMountpoint) } catch { throw CLIError(error.description) }
            var waited = false
            try Background.spawnServer(
                arguments: ["mount"] + serverArguments + [
                    absoluteMountpoint, "--foreground",
                    "--log-level", logLevel.rawValue,
                ] + options.flatMap { ["-o", $0] },
                logPath: parsed.logPath
            ) { line in
                waited = true
                if progress.announces { MountProgress.say(line) }
            }
            if progress.announces { MountProgress.say(progress.mountedLine(waited: waited)) }
            return
        }
        // The process a user or systemd started itself (not the background server its parent waits for).
        let startedHere = readyFD == nil
        parsed.filesystem.onStateChange = { change in progress.stateChanged(change) }
        // The background server (its parent waits on the ready pipe) logs to syslog unless -o log=.
        let destination: LoggingSetup.Destination = !startedHere && parsed.logPath == nil ? .syslog : .standardError
        let logger = LoggingSetup.logger("ukfs.mount", level: logLevel, to: destination)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: Self.eventLoopThreads)
        let mount: FuseMount
        do {
            // A signal from the moment the mount exists unmounts it.
            mount = try await make(absoluteMountpoint, parsed.filesystem, group, logger) { mount in
                Termination.releasing {
                    if startedHere { progress.stopping() }
                    mount.unmount()
                }
            }
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        let waitingFor = waiting()
        if let waitingFor {
            ready.waiting(waitingFor)
            if startedHere && progress.announces { MountProgress.say(waitingFor) }
        }
        ready.succeed()
        if startedHere {
            if progress.announces { MountProgress.say(progress.mountedLine(waited: waitingFor != nil)) }
            progress.ready()
        }
        logger.info("mounted \(progress.what) at \(absoluteMountpoint)")
        await FuseServing.run(mount)
        if startedHere { progress.stopping() }
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
