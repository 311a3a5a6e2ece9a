import Synchronization

/// Set when the frame handler drops a client for damage (from its callback, hence atomic).
final class DamageFlag: Sendable {
    private let raised = Atomic<Bool>(false)
    func raise() { raised.store(true, ordering: .relaxed) }
    var isRaised: Bool { raised.load(ordering: .relaxed) }
}
