import Foundation
import Logging
import NIOCore
import Synchronization
import UKBridge
import UKBridgeClient

/// The mount's line to its guest: connects (at mount, after a loss, or on use, as its `LinePolicy`
/// says), adopts each new connection, sends requests on the live one, and tells its `LinkListener`
/// (the `LiveTree`) what the guest says of its tree.
final class GuestLink: GuestRequests, Sendable {
    let status: MountStatus
    let timeout: Duration
    let policy: any LinePolicy
    private let group: EventLoopGroup
    let logger: Logger

    private let state = Mutex(LinkState())
    /// Losses and reconnects of short-lived connections: a guest that accepts, handshakes and
    /// hangs up would otherwise log twice per attempt.
    private let flapping = LogThrottle()

    init(status: MountStatus, group: EventLoopGroup, timeout: Duration, policy: any LinePolicy, logger: Logger) {
        self.status = status
        self.group = group
        self.timeout = timeout
        self.policy = policy
        self.logger = logger
    }

    /// Who hears of adopted connections and events from now on.
    func listen(_ listener: any LinkListener) {
        state.withLock { $0.listener = listener }
    }

    // MARK: connecting

    /// Connects, and adopts the connection; the first call's failure means no mount.
    func connect() async throws(BridgeError) {
        let attempt = state.withLock { $0.nextAttempt() }
        try await policy.reserve(for: status.instanceName)
        // Through the line's share when another process holds it; else holding it and sharing it.
        let line: GuestLine
        do throws(BridgeError) {
            line = try await LineConnector.connect(
                LineTarget(address: status.address, share: status.share), role: .holder,
                group: group, timeout: timeout, logger: logger,
                onEvent: { [weak self] event in self?.heard(event) },
                onClose: { [weak self] in self?.connectionClosed(attempt: attempt) })
        } catch {
            policy.release()
            throw error
        }
        line.connection.closeFuture.whenComplete { [policy] _ in policy.release() }
        status.line = line
        await adopt(line.connection, attempt: attempt)
    }

    private func adopt(_ connection: BridgeConnection, attempt: UInt64) async {
        defer { state.withLock { $0.adopting = false } }
        let previous = status.hello
        status.hello = connection.hello
        status.generation = connection.hello.generation
        // A link stopped meanwhile (its `--all` instance left) must not keep a connection alive.
        let (adopted, listener) = state.withLock { ($0.adopt(connection, attempt: attempt, at: .now), $0.listener) }
        guard adopted else { return connection.close() }
        // Closed between its handshake and now: its close came before it was adopted.
        if !connection.isActive { return connectionClosed(attempt: attempt) }
        _ = await connection.send(.watch(flags: 1), timeout: timeout)
        status.connection = .connected
        await listener?.adopted(previous: previous, now: connection.hello, listRoot: !policy.connectsOnUse)
    }

    private func heard(_ event: ObjectEvent) {
        status.generation = event.generation
        state.withLock { $0.listener }?.changed(event)
    }

    /// For a mount made before the guest answered (-o wait), after `error` on the first try.
    func startReconnecting(after error: BridgeError) {
        status.connection = .disconnected(reason: error.shortProblem)
        Task { await self.reconnect() }
    }

    private func connectionClosed(attempt: UInt64) {
        let (ours, shortLived) = state.withLock { $0.lose(attempt: attempt, at: .now) }
        // Only the adopted connection going away starts a reconnect. A connection whose handshake
        // failed also ends here (its channel closes), and so may an old one closing late; a
        // reconnect for each would add one loop per failed attempt: thousands within seconds
        // against a socket that accepts but never answers (a QEMU chardev whose agent hung).
        guard ours else { return }
        guard !policy.connectsOnUse else {
            // Reconnected by the next use, not on its own: an unused folder costs nothing.
            let idle = policy.takeIdleClose()
            status.connection = idle ? .idle : .disconnected(reason: "connection lost")
            if !idle { logger.info("lost the connection to \(status.address); reconnecting on next use") }
            return
        }
        status.connection = .disconnected(reason: "connection lost")
        if !shortLived {
            logger.warning("lost the connection to \(status.address); reconnecting")
        } else if let total = flapping.note() {
            logger.warning(
                "lost the connection to \(status.address) within \(LinkState.flapWindow) of its handshake; reconnecting with backoff",
                metadata: ["times": "\(total)"])
        }
        Task { await self.reconnect(shortLived: shortLived) }
    }

    /// Tries until connected or stopped; after a short-lived connection, waits first.
    private func reconnect(shortLived: Bool = false) async {
        status.noteReconnecting()
        var attempt = 0
        if shortLived { try? await Task.sleep(for: RetryPause.delay(afterFailures: state.withLock { $0.failures })) }
        while !state.withLock({ $0.stopping }) {
            attempt += 1
            do {
                try await connect()
                if !shortLived { logger.info("reconnected to \(status.address)") }
                return
            } catch {
                if attempt == 1 && !shortLived { logger.info("reconnect failed: \(error); retrying with backoff") }
                let delay = RetryPause.delay(afterFailures: state.withLock { $0.fail() })
                // The reason stays in .ukfs/state (and systemd's STATUS=) until the next attempt's.
                status.connection = .reconnecting(attempt: attempt, lastError: error.shortProblem, retryIn: delay)
                await RetryPause.wait(delay, for: status.address)
            }
        }
    }

    /// Ends the link for good (no reconnect): the mount ends, or its `--all` instance left.
    func stop() {
        let connection = state.withLock { state -> BridgeConnection? in
            state.stopping = true
            return state.connection
        }
        connection?.close()
    }

    // MARK: requests

    /// Sends a request on the live connection. With none, a line opened on use connects first;
    /// else the request fails at once (EIO to the reader).
    func send(_ request: Request, completion: @escaping BridgeConnection.Completion) {
        let (connection, adopting) = state.withLock { ($0.connection, $0.adopting) }
        guard let connection else {
            guard !adopting else { return completion(.failure(.disconnected)) }
            return wake { [self] failure in
                if let failure { return completion(.failure(failure)) }
                // On the connection the wake made, never waking again (it may already be gone).
                guard let connection = state.withLock({ $0.connection }) else { return completion(.failure(.disconnected)) }
                send(request, on: connection, completion: completion)
            }
        }
        policy.noteUse()
        send(request, on: connection, completion: completion)
    }

    private func send(_ request: Request, on connection: BridgeConnection, completion: @escaping BridgeConnection.Completion) {
        connection.send(request, timeout: timeout) { [status] result in
            if case .failure(.timedOut) = result { status.noteTimeout() } else { status.noteAnswer() }
            completion(result)
        }
    }

    // MARK: opened on use, closed when idle

    /// A line opened on use with no connection now: the next use connects.
    var isDormant: Bool {
        policy.connectsOnUse && state.withLock { $0.isDown }
    }

    /// Connects if not connected (lines opened on use only), then calls `done` with what failed.
    func wake(_ done: @escaping @Sendable (BridgeError?) -> Void) {
        guard !state.withLock({ $0.stopping }) else { return done(.disconnected) }
        policy.wake(
            connect: { [self] () async throws(BridgeError) in
                if state.withLock({ $0.connection != nil }) { return }
                try await connect()
            },
            onFailure: { [status] error in
                status.connection = .disconnected(reason: error.shortProblem)
            }, done: done)
    }

    /// The live connection, if any.
    var connection: BridgeConnection? { state.withLock { $0.connection } }
}
