import UKBridge
import UKBridgeClient
import UKGuestTree

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

/// The typed requests the filesystem makes, each read by the answer rules (AnswerRules.swift).
extension GuestRequests {
    /// One entry's value, or the errno its reader gets.
    func get(_ ref: EntryRef, done: @escaping @Sendable (EntryResult) -> Void) {
        send(.get([ref])) { done($0.entryResult) }
    }

    /// Calls the entry's setter: nil once it ran, else the errno its writer gets.
    func set(_ ref: EntryRef, to value: Value, done: @escaping @Sendable (Int32?) -> Void) {
        send(.set(ref, value)) { done($0.setFailure) }
    }

    /// A whole directory: every page, by the paging rules and bound the scripting commands use too.
    func list(_ scope: ListScope, done: @escaping @Sendable (Result<[ListedChild], BridgeError>) -> Void) {
        DirectoryListing.fetchAll(
            scope, requestTimeout: timeout, send: { request, completion in send(request, completion: completion) },
            done: done)
    }
}
