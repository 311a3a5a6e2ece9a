import UKBridgeClient

/// The closes a line opened on use makes of its own: when idle, and to make room for another
/// folder's (`InstanceSet.makeRoom`). A line always on never closes for either.
extension GuestLink {
    /// Closes the connection if it went unused for the folder's idle time and nobody shares it.
    func closeIfIdle() {
        guard policy.isIdle, let connection = beginClosingUnshared() else { return }
        logger.debug("closing the idle connection")
        connection.close()
    }

    /// When this line last used its connection; nil without one, or for a line always on.
    var lastUseIfConnected: UInt64? {
        guard connection != nil else { return nil }
        return policy.lastUseNanoseconds
    }

    /// Closes the connection to make room for another folder's, if the policy allows it after
    /// `unusedFor` without use and nobody shares it; returns once it is closed.
    func closeToMakeRoom(unusedFor: Duration) async -> Bool {
        guard policy.mayCloseToMakeRoom(unusedFor: unusedFor), let connection = beginClosingUnshared() else { return false }
        logger.debug("closing the least recently used connection to make room for another folder's")
        connection.close()
        try? await connection.closeFuture.get()
        return true
    }

    /// The connection, marked as closing for idleness, if there is one and no other process shares
    /// it (a client's reads would fail); nil otherwise, or when an idle close is already under way.
    private func beginClosingUnshared() -> BridgeConnection? {
        guard (status.line?.share?.clientCount ?? 0) == 0, let connection,
            policy.beginIdleClose()
        else { return nil }
        return connection
    }
}
