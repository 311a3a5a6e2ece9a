import Foundation
import Logging
import NIOCore
import Synchronization
import UKBridge

/// How a process uses a guest's line.
public enum LineRole: Sendable {
    /// Holds the line while it runs and shares it: mounts, `export`, `attach`, `watch`.
    case holder
    /// Uses it for a moment: through a share if there is one, else directly, alone and unshared
    /// (`get`, `set`, `ls`, `dump`, `list`); others wait the moment it takes.
    case user
}

/// A guest as a process can reach it: its address, and where its line is shared (nil for an
/// address outside the registry, always reached directly).
public struct LineTarget: Sendable {
    public let address: BridgeAddress
    public let share: ShareLocation?

    public init(address: BridgeAddress, share: ShareLocation?) {
        self.address = address
        self.share = share
    }
}

/// A connection to a guest and how it was made: directly (holding the line, perhaps sharing it),
/// or through another process's share. Users never choose: `LineConnector` takes the share when
/// one answers and the line when nobody holds it.
public final class GuestLine: Sendable {
    public enum Route: Sendable, Equatable {
        case direct
        case shared(ShareLocation)
    }

    public let connection: BridgeConnection
    public let route: Route
    /// This process's share of the line, when it holds it and shares it.
    public let share: LineShare?

    init(connection: BridgeConnection, route: Route, share: LineShare?) {
        self.connection = connection
        self.route = route
        self.share = share
    }

    /// What `.ukfs/state` adds to `connected`: how the line is shared, nil when it is not.
    public func sharing() -> String? {
        switch route {
        case .direct:
            guard let clients = share?.clientCount, clients > 0 else { return nil }
            return "shared by \(clients)"
        case .shared(let location):
            guard let status = ShareStatus.query(location) else { return "through a share" }
            return "shared by \(status.clients), line held by pid \(status.pid)"
        }
    }
}

public enum LineConnector {
    /// How often a process that finds the line held, but not yet shared, looks again.
    static let pollInterval = Duration.milliseconds(20)
    /// How often a process that found the share full asks again.
    static let fullPollInterval = Duration.milliseconds(100)

    /// Connects to `target`: through its share when one answers; else, when nobody holds the line,
    /// directly, holding it (and sharing it, for a holder); else waits for the holder's share,
    /// within `timeout`. `onEvent` and `onClose` are the connection's, whichever way it went.
    public static func connect(
        _ target: LineTarget, role: LineRole, group: EventLoopGroup, timeout: Duration,
        logger: Logger,
        onEvent: @escaping @Sendable (ObjectEvent) -> Void = { _ in },
        onClose: @escaping @Sendable () -> Void = {}
    ) async throws(BridgeError) -> GuestLine {
        guard let location = target.share else {
            let connection = try await BridgeConnection.connect(
                to: target.address, group: group, timeout: timeout,
                logger: logger, onEvent: onEvent, onClose: onClose)
            return GuestLine(connection: connection, route: .direct, share: nil)
        }
        let deadline = ContinuousClock.now + timeout
        var holder: String?
        var full: BridgeError?
        while true {
            switch await throughShare(
                location, group: group, deadline: deadline, timeout: timeout,
                logger: logger, onEvent: onEvent, onClose: onClose)
            {
            case .success(let shared?):
                ShareKeepalive.start(on: shared)
                return GuestLine(connection: shared, route: .shared(location), share: nil)
            case .failure(let error):
                // The share answered, full: a client may leave before the deadline; if none
                // does, that is what the user is told, not that the holder does not share.
                full = error
            case .success(nil):
                full = nil
            }
            switch LineLock.tryAcquire(location, holder: command) {
            case .acquired(let lock):
                return try await hold(
                    target, location: location, lock: lock, role: role, group: group,
                    timeout: timeout, logger: logger, onEvent: onEvent, onClose: onClose)
            case .unavailable:
                let connection = try await BridgeConnection.connect(
                    to: target.address, group: group, timeout: timeout,
                    logger: logger, onEvent: onEvent, onClose: onClose)
                return GuestLine(connection: connection, route: .direct, share: nil)
            case .busy(let text):
                holder = text
            }
            guard ContinuousClock.now < deadline else {
                if let full { throw full }
                throw .lineHeld(target.address, holder: holder ?? "another process")
            }
            try? await Task.sleep(for: full == nil ? pollInterval : fullPollInterval)
        }
    }

    /// A connection through the share, nil when there is none or it does not answer (a dead
    /// holder's socket refuses at once; whoever next holds the lock replaces it); `shareFull`
    /// when it answered that it serves as many clients as it may.
    private static func throughShare(
        _ location: ShareLocation, group: EventLoopGroup, deadline: ContinuousClock.Instant,
        timeout: Duration, logger: Logger,
        onEvent: @escaping @Sendable (ObjectEvent) -> Void,
        onClose: @escaping @Sendable () -> Void
    ) async -> Result<BridgeConnection?, BridgeError> {
        var info = stat()
        guard lstat(location.socketPath, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK, info.st_uid == getuid() else {
            return .success(nil)
        }
        let left = max(deadline - .now, .milliseconds(100))
        do throws(BridgeError) {
            return .success(
                try await BridgeConnection.connect(
                    to: .unix(path: location.socketPath), group: group,
                    timeout: min(left, timeout), logger: logger,
                    onEvent: onEvent, onClose: onClose))
        } catch {
            if case .shareFull = error { return .failure(error) }
            return .success(nil)
        }
    }

    /// Holding the lock: connects to the guest itself and, as a holder, shares the line.
    private static func hold(
        _ target: LineTarget, location: ShareLocation, lock: LineLock, role: LineRole,
        group: EventLoopGroup, timeout: Duration, logger: Logger,
        onEvent: @escaping @Sendable (ObjectEvent) -> Void,
        onClose: @escaping @Sendable () -> Void
    ) async throws(BridgeError) -> GuestLine {
        let relay = EventRelay()
        let connection: BridgeConnection
        do {
            connection = try await BridgeConnection.connect(
                to: target.address, group: group, timeout: timeout, logger: logger,
                onEvent: { event in
                    onEvent(event)
                    relay.publish(event)
                },
                onClose: onClose)
        } catch {
            lock.release()
            throw error
        }
        var share: LineShare?
        if case .holder = role {
            do {
                share = try await LineShare.start(
                    connection: connection, location: location, command: command,
                    timeout: timeout, logger: logger)
                relay.share = share
            } catch {
                logger.warning(
                    "cannot share the line at \(location.socketPath) (\(error)): other ukfs commands cannot reach \(location.name) while this one runs"
                )
            }
        }
        // Whatever ends the connection ends the share, then frees the line for the next holder.
        connection.closeFuture.whenComplete { [share] _ in
            share?.close()
            lock.release()
        }
        return GuestLine(connection: connection, route: .direct, share: share)
    }

    /// This process as others see it holding a line: `ukfs mount vm1 /mnt/uk`.
    static let command: String = {
        var words = ["ukfs"]
        for argument in CommandLine.arguments.dropFirst() {
            if argument.hasPrefix("--") && argument != "--all" { break }
            words.append(argument)
            if words.count == 5 { break }
        }
        return words.joined(separator: " ")
    }()
}

/// Carries the holder's events to its share, which starts only after the handshake.
private final class EventRelay: Sendable {
    private let target = Mutex<LineShare?>(nil)

    var share: LineShare? {
        get { target.withLock { $0 } }
        set { target.withLock { $0 = newValue } }
    }

    func publish(_ event: ObjectEvent) {
        share?.publish(event)
    }
}
