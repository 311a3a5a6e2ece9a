import Synchronization

/// True for the first caller of `take()` only: which of two racing tasks resumes a continuation.
final class OnceFlag: Sendable {
    private let taken = Atomic<Bool>(false)

    func take() -> Bool {
        !taken.exchange(true, ordering: .acquiringAndReleasing)
    }
}
