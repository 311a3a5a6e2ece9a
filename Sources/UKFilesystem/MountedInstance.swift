import Foundation
import Logging
import NIOCore
import UKBridge
import UKBridgeClient

/// One instance's tree, served: its `.ukfs/` status, node table, line (`GuestLink`: connecting and
/// reconnecting), live tree (listings and events) and filesystem, numbering its nodes from its inode slot's base. The one assembly of a
/// mount: a single-instance mount is the instance at slot 0 (the FUSE root), and each folder of a
/// `mount --all` is one more, in a slot of its own so the dispatcher can route by inode.
final class MountedInstance: Sendable {
    let name: String
    let slot: UInt32
    let filesystem: StoreFilesystem
    /// Its line to the guest: connected first, closed when idle, stopped when the instance leaves.
    let line: GuestLink

    var root: UInt64 { filesystem.tree.root }
    var status: MountStatus { filesystem.status }

    /// `onStateChange` hears the connection change (a single mount tells systemd and the user).
    init(
        name: String, address: BridgeAddress, share: ShareLocation? = nil, slot: UInt32, notifier: KernelNotifier,
        group: EventLoopGroup, options: MountOptions, interrupts: InterruptibleRequests = InterruptibleRequests(),
        passthrough: PassthroughFiles? = nil,
        onStateChange: (@Sendable (ConnectionChange) -> Void)? = nil, onDemand: OnDemandConnection? = nil,
        logger: Logger
    ) {
        var logger = logger
        // Instances of a `--all` mount share one log: each line says whose it is.
        if slot != InodeSpace.rootSlot { logger[metadataKey: "instance"] = "\(name)" }
        let status = MountStatus(
            instanceName: name, address: address, share: share, onChange: onStateChange,
            readPath: { passthrough?.pathDescription ?? "libfuse" })
        if onDemand != nil { status.connection = .idle }
        let tree = NodeTable(metaFiles: MetaFile.allCases, inodeBase: InodeSpace.base(of: slot))
        let line = GuestLink(
            status: status, group: group, timeout: options.timeout, policy: onDemand ?? AlwaysOn() as any LinePolicy,
            logger: logger)
        let liveTree = LiveTree(nodes: tree, line: line, notifier: notifier, logger: logger)
        line.listen(liveTree)
        self.name = name
        self.slot = slot
        self.line = line
        self.filesystem = StoreFilesystem(
            liveTree: liveTree, line: line, status: status, readOnly: options.readOnly,
            logger: logger, interrupts: interrupts, passthrough: passthrough)
    }

    /// The instance folder's attributes, as the mount root's LOOKUP answers them.
    var rootAttributes: stat? {
        filesystem.tree.node(root).map { filesystem.attributes.of($0) }
    }
}
