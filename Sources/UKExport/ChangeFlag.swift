import Synchronization

/// A flag the event loop raises and the next scrape takes down.
final class ChangeFlag: Sendable {
    private let raised = Mutex(false)
    func raise() { raised.withLock { $0 = true } }
    func take() -> Bool {
        raised.withLock { value in
            defer { value = false }; return value
        }
    }
}
