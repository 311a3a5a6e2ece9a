import CFuse3
import Foundation
import Logging
import NIOCore
import Synchronization
import UKBridge
import UKBridgeClient

/// Options a user gives with `-o`.
public struct MountOptions: Sendable {
    public var allowOther = false
    public var readOnly = false
    public var timeout: Duration = .seconds(2)
    public var maxThreads: UInt32 = 16
    /// Whether read-only files may be served by the kernel (FUSE passthrough): `auto` where it can.
    public var passthrough: PassthroughMode = .auto
    /// Mount even if the guest does not answer yet (a VM still booting), and connect when it does.
    public var waitForGuest = false
    /// `mount --all`: an instance folder's guest connection closes after this long unused (and
    /// reopens on the next use); nil keeps it open.
    public var idleClose: Duration? = .seconds(60)
    /// mount(8)'s generic flags the kernel applies (`noexec`, `noatime`, `sync` …), handed to libfuse as given.
    public var kernelFlags: [String] = []
    /// The source /proc/mounts shows: what the user mounted (`vm1`), as fstab and mount(8) name
    /// it, so `mount -a` and findmnt match the fstab line; `ukfs:NAME` when not given.
    public var source: String?
    /// Told each change of the connection.
    public var onStateChange: (@Sendable (ConnectionChange) -> Void)?
    public init() {}
}

/// Why a mount could not be made, in words a user can act on.
public enum MountError: Error, CustomStringConvertible {
    case mountpointMissing(String)
    case mountpointNotADirectory(String)
    case mountpointBusy(String)
    case mountpointInsideMount(String, enclosing: String)
    case noFuseDevice
    case noFusermount
    case fuseDeviceRootOnly
    case fuseFailed(String)
    case guest(BridgeError)

    public var description: String {
        switch self {
        case .mountpointMissing(let path): "mountpoint \(path) does not exist — create it with mkdir -p \(path)"
        case .mountpointNotADirectory(let path): "mountpoint \(path) is not a directory — choose a directory"
        case .mountpointBusy(let path): "mountpoint \(path) is already mounted — unmount it first (ukfs umount \(path))"
        case .mountpointInsideMount(let path, let enclosing):
            "mountpoint \(path) is inside the ukfs mount at \(enclosing) — choose a directory outside it"
        case .noFuseDevice: "/dev/fuse is missing — load the fuse module (modprobe fuse)"
        case .fuseDeviceRootOnly:
            "/dev/fuse is open to root only, so no ordinary user can mount FUSE here — mount as root, or make it 0666 as Debian's udev rule does (chmod 0666 /dev/fuse)"
        case .noFusermount:
            "/dev/fuse is root's and \(FuseMount.fusermount) is missing — install fuse3 (its setuid fusermount3 mounts for ordinary users)"
        case .fuseFailed(let what): "could not mount: \(what)"
        case .guest(let error): error.description
        }
    }
}

/// One mounted instance: the FUSE session, its loop, and the guest session behind it.
public final class FuseMount: @unchecked Sendable {
    // @unchecked: the session pointers are set up before the loop starts and torn down after it.
    public let mountpoint: String
    private let handler: any FuseRequestHandler
    private let notifier: KernelNotifier
    private let passthrough: PassthroughFiles
    /// Ends what serves the tree once the loop is over: the guest's line, or (`--all`) the
    /// registry watcher and every instance's line.
    private let stopServing: @Sendable () -> Void
    private let options: MountOptions
    private let logger: Logger
    private var fuseSession: OpaquePointer?
    /// Whether unmount() ran. Held across mounting too, so an unmount() from a signal either comes
    /// first (and nothing is mounted) or waits for the mount and removes it.
    private let unmounted = Mutex(false)

    /// Connects to the guest and mounts; throws with a user-facing reason on any failure.
    /// `prepared` gets the mount before the kernel has it, so a signal handler can unmount it from
    /// the first instant it exists (unmount() waits for a mount in progress).
    public static func mount(
        instanceName: String, address: BridgeAddress, share: ShareLocation? = nil,
        at mountpoint: String, options: MountOptions, group: EventLoopGroup, logger: Logger,
        prepared: @Sendable (FuseMount) -> Void = { _ in }
    ) async throws(MountError) -> FuseMount {
        try checkCanMount(at: mountpoint)
        let notifier = KernelNotifier()
        let interrupts = InterruptibleRequests()
        let passthrough = PassthroughFiles(mode: options.passthrough, loop: group.next(), interrupts: interrupts, logger: logger)
        let instance = MountedInstance(
            name: instanceName, address: address, share: share, slot: InodeSpace.rootSlot,
            notifier: notifier, group: group, options: options, interrupts: interrupts, passthrough: passthrough,
            onStateChange: options.onStateChange, logger: logger)
        do throws(BridgeError) {
            try await instance.line.connect()
        } catch {
            guard options.waitForGuest else { throw .guest(error) }
            logger.notice("the guest does not answer yet (\(error)); mounting and waiting for it")
            instance.line.startReconnecting(after: error)
        }
        let mount = FuseMount(
            mountpoint: mountpoint, handler: instance.filesystem, notifier: notifier, passthrough: passthrough,
            options: options, logger: logger, stopServing: { instance.line.stop() })
        prepared(mount)
        do throws(MountError) {
            try mount.createSession(fsname: options.source ?? "ukfs:\(instanceName)")
        } catch {
            instance.line.stop()
            throw error
        }
        return mount
    }

    init(
        mountpoint: String, handler: any FuseRequestHandler, notifier: KernelNotifier, passthrough: PassthroughFiles,
        options: MountOptions, logger: Logger, stopServing: @escaping @Sendable () -> Void
    ) {
        self.passthrough = passthrough
        self.mountpoint = mountpoint
        self.handler = handler
        self.notifier = notifier
        self.stopServing = stopServing
        self.options = options
        self.logger = logger
    }

    /// The setuid helper libfuse mounts through when the process may not open /dev/fuse itself.
    static let fusermount = "/usr/bin/fusermount3"

    /// What every mount (single or `--all`) checks before anything else: the mountpoint can take it,
    /// and this process may use FUSE.
    static func checkCanMount(at mountpoint: String) throws(MountError) {
        try checkMountpoint(mountpoint)
        guard access("/dev/fuse", F_OK) == 0 else { throw .noFuseDevice }
        // An ordinary user mounts through the setuid fusermount3, but both libfuse and
        // fusermount3 open /dev/fuse with the user's own rights: it must be open to them.
        guard getuid() == 0 || access("/dev/fuse", R_OK | W_OK) == 0 else { throw .fuseDeviceRootOnly }
        guard getuid() == 0 || access(fusermount, X_OK) == 0 else { throw .noFusermount }
    }

    /// Fails unless `path` can take a new mount; recovers a stale ukfs mount left by a dead server.
    /// Whether `path` is a mountpoint comes from the mount table, and whether its server is dead
    /// from a request the kernel must pass to it (MountTable): a stat of the mountpoint may be
    /// answered from the kernel's attribute cache long after the server died.
    public static func checkMountpoint(_ path: String) throws(MountError) {
        let table = MountTable.current()
        if let mounted = table.mount(at: path) {
            guard mounted.type == "fuse.ukfs", MountTable.serverIsGone(path) else { throw .mountpointBusy(path) }
            try recoverStaleMount(path)
        }
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw errno == ENOTCONN || errno == ECONNABORTED ? .mountpointBusy(path) : .mountpointMissing(path)
        }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw .mountpointNotADirectory(path) }
        // A folder of a live ukfs mount: mounting there would hide the tree from its own server.
        if let enclosing = MountTable.current().mount(ofDevice: UInt64(info.st_dev)), enclosing.type == "fuse.ukfs" {
            throw MountTable.sameMountpoint(enclosing.mountpoint, path)
                ? .mountpointBusy(path)
                : .mountpointInsideMount(path, enclosing: enclosing.mountpoint)
        }
        var parent = stat()
        if stat(path + "/..", &parent) == 0, parent.st_dev != info.st_dev || MountTable.current().mount(at: path) != nil {
            throw .mountpointBusy(path)
        }
    }

    /// A FUSE mount whose server died (SIGKILL, crash) answers every access with ENOTCONN until
    /// it is unmounted. Ours (type fuse.ukfs) are detached so the new mount can take the place.
    static func recoverStaleMount(_ path: String) throws(MountError) {
        // write(2), not FileHandle.write, which traps when stderr is a closed pipe.
        let notice = Array("ukfs: \(path) was left mounted by a ukfs that died; recovering it\n".utf8)
        _ = notice.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
        if getuid() == 0 {
            guard umount2(path, Int32(MNT_DETACH)) == 0 else {
                throw .fuseFailed("cannot detach the stale mount at \(path): \(String(cString: strerror(errno))) — try umount -l \(path)")
            }
            return
        }
        let helper = Process()
        helper.executableURL = URL(fileURLWithPath: "/usr/bin/fusermount3")
        helper.arguments = ["-uz", path]
        do { try helper.run() } catch {
            throw .fuseFailed("cannot run fusermount3 -uz \(path): \(error) — install fuse3, or unmount it by hand")
        }
        helper.waitUntilExit()
        guard helper.terminationStatus == 0 else {
            throw .fuseFailed("fusermount3 -uz \(path) failed — unmount it by hand (umount -l as root)")
        }
    }

    func createSession(fsname: String) throws(MountError) {
        var mountOptions = ["fsname=\(fsname.replacingOccurrences(of: ",", with: "_"))", "subtype=ukfs", "default_permissions"]
        if options.allowOther { mountOptions.append("allow_other") }
        if options.readOnly { mountOptions.append("ro") }
        mountOptions += options.kernelFlags
        let arguments = ["ukfs", "-o", mountOptions.joined(separator: ",")]
        // fuse_args must point at memory that outlives the call: strdup'd C strings.
        let argv = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: arguments.count + 1)
        for (index, argument) in arguments.enumerated() { argv[index] = strdup(argument) }
        argv[arguments.count] = nil
        var args = fuse_args(argc: Int32(arguments.count), argv: argv, allocated: 0)
        defer {
            fuse_opt_free_args(&args)
            for index in 0..<arguments.count { free(argv[index]) }
            argv.deallocate()
        }
        var ops = FuseOperations.make()
        let userdata = Unmanaged.passRetained(FuseHandlerBox(handler)).toOpaque()
        guard let fuseSession = ukfs_fuse_session_new(&args, &ops, MemoryLayout<fuse_lowlevel_ops>.size, userdata) else {
            Unmanaged<FuseHandlerBox>.fromOpaque(userdata).release()
            throw .fuseFailed(
                "libfuse refused the options \(mountOptions.joined(separator: ",")) — for allow_other as a non-root user, add user_allow_other to /etc/fuse.conf"
            )
        }
        try unmounted.withLock { unmounted throws(MountError) in
            guard !unmounted, fuse_session_mount(fuseSession, mountpoint) == 0 else {
                fuse_session_destroy(fuseSession)
                Unmanaged<FuseHandlerBox>.fromOpaque(userdata).release()
                if unmounted { throw .fuseFailed("stopped before the mount was made") }
                throw .fuseFailed(
                    "the kernel refused to mount \(mountpoint) — check you may mount there (root, or fusermount3 installed setuid) and run with -f to see libfuse's own message"
                )
            }
            self.fuseSession = fuseSession
            passthrough.start(session: fuseSession)
            notifier.start(session: fuseSession)
        }
    }

    /// Serves requests until unmounted (by `ukfs umount`, fusermount3 -u, or `unmount()`).
    public func run() {
        guard let fuseSession else { return }
        guard let config = fuse_loop_cfg_create() else { return }
        defer { fuse_loop_cfg_destroy(config) }
        fuse_loop_cfg_set_max_threads(config, options.maxThreads)
        fuse_loop_cfg_set_idle_threads(config, 4)
        _ = ukfs_fuse_session_loop_mt(fuseSession, config)
        unmount()
        notifier.stop()
        stopServing()
        fuse_session_destroy(fuseSession)
        self.fuseSession = nil
    }

    /// Ends the loop and removes the mount; safe from any thread, more than once.
    public func unmount() {
        unmounted.withLock { unmounted in
            guard !unmounted else { return }
            unmounted = true
            guard let fuseSession else { return }
            fuse_session_exit(fuseSession)
            fuse_session_unmount(fuseSession)
        }
    }
}
