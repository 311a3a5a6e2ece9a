import UKBridge
import UKBridgeClient

/// What the tree needs of the line: a request sent and answered, and a line opened on use woken.
/// `GuestLink` is the mount's; unit tests answer from a table.
protocol GuestRequests: Sendable {
    var timeout: Duration { get }
    /// A line opened on use that has no connection now: the next use connects.
    var isDormant: Bool { get }
    func send(_ request: Request, completion: @escaping BridgeConnection.Completion)
    /// Connects if not connected, then calls `done` with what failed.
    func wake(_ done: @escaping @Sendable (BridgeError?) -> Void)
}
