import Foundation
import Logging
import NIOCore
import NIOPosix
import UKBridge

/// A guest's line, shared: the holder's connection served as protocol v1 on `NAME.share` (0600, in
/// the 0700 registry folder) to any number of local clients of the same user. Lives as long as the
/// holder's connection: when that closes, every client is closed (they see what a dead guest gives
/// them, and reconnect) and the socket is removed.
public final class LineShare: Sendable {
    static let maxClients = 64

    public let location: ShareLocation
    let counters: ShareCounters
    private let server: Channel
    private let line: NIOLoopBound<ShareLine>
    /// The socket file this share made (device, inode): only that one is removed at the end.
    private let made: (UInt64, UInt64)?
    /// Closes clients that never said HELLO, or fell silent.
    private let sweep: RepeatedTask

    private init(
        location: ShareLocation, counters: ShareCounters, server: Channel, line: NIOLoopBound<ShareLine>,
        made: (UInt64, UInt64)?, sweep: RepeatedTask
    ) {
        self.location = location
        self.counters = counters
        self.server = server
        self.line = line
        self.made = made
        self.sweep = sweep
    }

    /// `UKFS_SHARE_MERGE=0` turns merging off (for measuring what it saves). Read once: copying the
    /// environment cost more than the rest of starting a share (callgrind, an exporter taking
    /// 64 lines at once).
    static let merging = ProcessInfo.processInfo.environment["UKFS_SHARE_MERGE"] != "0"

    /// Starts sharing `connection`. The caller holds the line's lock, so whatever socket is at the
    /// share's path is a dead holder's and is replaced.
    static func start(
        connection: BridgeConnection, location: ShareLocation, command: String,
        timeout: Duration, logger: Logger
    ) async throws -> LineShare {
        let loop = connection.eventLoop
        let counters = ShareCounters()
        let merging = Self.merging
        let line = try await loop.submit {
            NIOLoopBound(
                ShareLine(
                    connection: connection, timeout: timeout, counters: counters, merging: merging,
                    eventLoop: loop), eventLoop: loop)
        }.get()
        let path = location.socketPath
        var info = stat()
        if lstat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFSOCK, info.st_uid == getuid() else {
                throw IOError(errnoCode: EEXIST, reason: "\(path) is not a socket of ours")
            }
            unlink(path)
        }
        let identity = ShareIdentity(pid: getpid(), command: command)
        // Clients share the line's event loop: an answer goes from the guest to its client with
        // no hop between threads.
        let server = try await ServerBootstrap(group: loop)
            .serverChannelOption(.backlog, value: 64)
            // A client gets one read of at most 16 KiB per turn of the loop, so one that floods
            // cannot keep the loop from the guest's answers and the other clients.
            .childChannelOption(.maxMessagesPerRead, value: 1)
            .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 512, initial: 2048, maximum: 16384))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let damaged = DamageFlag()
                    try channel.pipeline.syncOperations.addHandler(
                        FrameChannelHandler(
                            maxPayload: ProtocolLimits.maxPayload, damage: DamageMeter(),
                            onDamaged: { damaged.raise() }))
                    try channel.pipeline.syncOperations.addHandler(
                        ShareClientHandler(line: line.value, share: identity, damaged: damaged, logger: logger))
                }
            }
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: false)
            .get()
        chmod(path, 0o600)
        let made: (UInt64, UInt64)? = lstat(path, &info) == 0 ? (UInt64(info.st_dev), UInt64(info.st_ino)) : nil
        // The holder hears the guest's events for all its clients, whatever its own use.
        connection.send(.watch(flags: 1), timeout: timeout) { _ in }
        let period = ShareClientHandler.sweepPeriod
        let sweep = loop.scheduleRepeatedTask(initialDelay: period, delay: period) { _ in line.value.sweep() }
        let share = LineShare(location: location, counters: counters, server: server, line: line, made: made, sweep: sweep)
        HeldLines.shared.add(share)
        return share
    }

    /// Local clients now.
    public var clientCount: Int { counters.clients.load(ordering: .relaxed) }
    /// GETs clients sent, and GETs the share sent on the line for them (merging makes fewer).
    public var getCounts: (clients: Int, line: Int) {
        (counters.clientGets.load(ordering: .relaxed), counters.lineGets.load(ordering: .relaxed))
    }

    /// Passes a guest event to the clients that watch: at once on the line's own loop, where the
    /// connection hears its events (a task per event would queue an event storm without bound).
    func publish(_ event: ObjectEvent) {
        let line = self.line
        if server.eventLoop.inEventLoop { return line.value.publish(event) }
        server.eventLoop.execute { line.value.publish(event) }
    }

    /// Stops sharing: the socket goes first (nobody new arrives), then every client.
    func close() {
        HeldLines.shared.remove(self)
        removeSocket()
        sweep.cancel()
        server.close(promise: nil)
        let line = self.line
        server.eventLoop.execute { line.value.closeAll() }
    }

    /// Removes the socket file this share made, if it is still that one; also at a signal's exit
    /// (HeldLines), when the process ends without closing its connections.
    func removeSocket() {
        var info = stat()
        if let made, lstat(location.socketPath, &info) == 0,
            UInt64(info.st_dev) == made.0, UInt64(info.st_ino) == made.1
        {
            unlink(location.socketPath)
        }
    }
}

extension BridgeConnection {
    /// The event loop the connection's answers arrive on.
    var eventLoop: EventLoop { closeFuture.eventLoop }
}
