import NIOCore
import Synchronization
import UKBridge

/// Keeps a connection through a share from being closed as idle: a share closes a client it has
/// heard nothing from for `ShareClientHandler.idleTimeout` (so idle local processes cannot hold
/// its client slots for ever), and a mount or exporter that nobody uses for a while is still a
/// client that wants its line. So such a connection sends a PING whenever it sent nothing for
/// `interval`: a few bytes a minute for the guest, nothing while the connection is in use.
enum ShareKeepalive {
    static let interval = TimeAmount.seconds(10)

    static func start(on connection: BridgeConnection) {
        let loop = connection.eventLoop
        let sentBefore = WriteMark(connection.traffic.current.writes)
        let task = loop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { [weak connection] task in
            guard let connection, connection.isActive else { return task.cancel() }
            let writes = connection.traffic.current.writes
            guard sentBefore.value.load(ordering: .relaxed) == writes else {
                return sentBefore.value.store(writes, ordering: .relaxed)
            }
            // Its answer changes nothing: it only shows the share that this client is alive.
            connection.send(.ping, timeout: .seconds(2)) { _ in }
            sentBefore.value.store(connection.traffic.current.writes, ordering: .relaxed)
        }
        connection.closeFuture.whenComplete { _ in task.cancel() }
    }
}

/// The writes a connection had made at the keepalive's last look.
private final class WriteMark: Sendable {
    let value: Atomic<Int>
    init(_ writes: Int) { value = Atomic(writes) }
}
