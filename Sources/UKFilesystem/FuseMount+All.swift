import Foundation
import Logging
import NIOCore
import UKBridgeClient

extension FuseMount {
    /// How often the registry is re-scanned besides inotify's events: also the retry period for a
    /// socket that does not answer yet, so a new instance appears within about a second.
    static let registryRescan = Duration.seconds(1)

    /// `ukfs mount --all`: one mount with a folder per instance of `registry` that answers, each
    /// behaving as a single-instance mount's root, following the registry live. Instances found at
    /// mount time have their folders when the mount is made; each connects when first used.
    public static func mountAll(
        registry: InstanceRegistry, at mountpoint: String, options: MountOptions,
        group: EventLoopGroup, logger: Logger,
        prepared: @Sendable (FuseMount) -> Void = { _ in }
    ) async throws(MountError) -> FuseMount {
        try checkCanMount(at: mountpoint)
        let notifier = KernelNotifier()
        let interrupts = InterruptibleRequests()
        let passthrough = PassthroughFiles(mode: options.passthrough, loop: group.next(), interrupts: interrupts, logger: logger)
        let instances = InstanceSet(
            registry: registry, notifier: notifier, group: group, options: options,
            interrupts: interrupts, passthrough: passthrough, logger: logger)
        instances.sync()
        let watcher = RegistryWatcher(folder: registry.folder, rescanInterval: registryRescan, logger: logger) { notified in
            instances.sync(full: notified)
        }
        let filesystem = AllInstancesFilesystem(instances: instances, readOnly: options.readOnly, interrupts: interrupts)
        let mount = FuseMount(
            mountpoint: mountpoint, handler: filesystem, notifier: notifier, passthrough: passthrough,
            options: options, logger: logger,
            stopServing: {
                watcher.stop()
                instances.stopAll()
            })
        prepared(mount)
        do throws(MountError) {
            try mount.createSession(fsname: "ukfs:all")
        } catch {
            instances.stopAll()
            throw error
        }
        watcher.start()
        return mount
    }
}
