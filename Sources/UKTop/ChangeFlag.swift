import Synchronization

/// Raised from the event loop when the guest reports an object event; the next refresh takes it
/// down and lists the tree again.
final class ChangeFlag: Sendable {
    private let raised = Mutex(false)

    func raise() { raised.withLock { $0 = true } }

    func take() -> Bool {
        raised.withLock { value in
            defer { value = false }
            return value
        }
    }
}
