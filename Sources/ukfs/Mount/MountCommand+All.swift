import Foundation
import Logging
import NIOPosix
import UKBridgeClient
import UKFilesystem

extension MountCommand {
    /// `ukfs mount --all MOUNTPOINT`: the same flow as a single mount (background server and its
    /// ready pipe, signals, stale-mount recovery), over every instance of the registry.
    func mountAll(at mountpoint: String, ready: ReadyChannel) async throws {
        let registry = InstanceRegistry()
        // The folder must exist to be watched; created private as `ukfs sim` creates it.
        do { try registry.prepareFolder() } catch { throw CLIError(error.description) }
        let absoluteMountpoint = Self.absolute(mountpoint)
        let progress = MountProgress(
            what: "every instance of \(registry.folder)", mountpoint: absoluteMountpoint,
            announces: true, afterWaiting: "each instance appears as it registers")
        try await serve(
            at: absoluteMountpoint, serverArguments: ["--all"], ready: ready, progress: progress,
            waiting: { registry.registeredNames().isEmpty ? "waiting for instances to register in \(registry.folder)" : nil }
        ) {
            mountpoint, options, group, logger, prepared in
            do throws(MountError) {
                return try await FuseMount.mountAll(
                    registry: registry, at: mountpoint, options: options,
                    group: group, logger: logger, prepared: prepared)
            } catch {
                throw CLIError(error.description)
            }
        }
    }
}
