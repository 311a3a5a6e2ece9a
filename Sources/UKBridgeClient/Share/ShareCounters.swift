import Synchronization

/// What a share has done, readable from any thread: for `ukfs list`, `.ukfs/state`, the
/// benchmark's merging ratio, and the STATUS answer.
final class ShareCounters: Sendable {
    let clients = Atomic<Int>(0)
    /// Requests its clients sent (HELLO and STATUS answered by the share itself excluded).
    let clientRequests = Atomic<Int>(0)
    /// Requests the share sent on the guest's line for them.
    let lineRequests = Atomic<Int>(0)
    let clientGets = Atomic<Int>(0)
    let lineGets = Atomic<Int>(0)
    /// Guest events not sent to clients that did not read them fast enough.
    let eventsDropped = Atomic<Int>(0)
}
