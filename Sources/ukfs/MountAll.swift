import Foundation
import Logging
import NIOPosix
import UKBridgeClient
import UKFilesystem

extension MountCommand {
    /// `ukfs mount --all MOUNTPOINT`: the same flow as a single mount (background server and its
    /// ready pipe, signals, stale-mount recovery), over every instance of the registry.
    func mountAll(at mountpoint: String, ready: ReadyChannel) async throws {
        let parsed = try ParsedMountOptions(options)
        let registry = InstanceRegistry()
        // The folder must exist to be watched; created private as `ukfs sim` creates it.
        do { try registry.prepareFolder() } catch { throw CLIError(error.description) }
        let absoluteMountpoint = Self.absolute(mountpoint)
        if !foreground {
            do { try FuseMount.checkMountpoint(absoluteMountpoint) } catch { throw CLIError(error.description) }
            try Background.spawnServer(arguments: ["mount", "--all", absoluteMountpoint, "--foreground",
                                                   "--log-level", logLevel.rawValue] + options.flatMap { ["-o", $0] },
                                       logPath: parsed.logPath)
            return
        }
        let logger = LoggingSetup.logger("ukfs.mount", level: logLevel)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let mount: FuseMount
        do {
            mount = try await FuseMount.mountAll(registry: registry, at: absoluteMountpoint, options: parsed.filesystem,
                                                 group: group, logger: logger)
        } catch {
            try? await group.shutdownGracefully()
            throw CLIError(error.description)
        }
        Signals.onTermination { _ in mount.unmount() }
        ready.succeed()
        logger.info("mounted every instance of \(registry.folder) at \(absoluteMountpoint)")
        await FuseServing.run(mount)
        try? await group.shutdownGracefully()
    }
}
