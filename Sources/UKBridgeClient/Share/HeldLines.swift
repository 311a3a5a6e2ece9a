import Synchronization

/// The lines this process holds and shares, so that their files (`NAME.lock`, `NAME.share`) can be
/// removed when the process ends by a signal without closing its connections: the kernel frees the
/// lock itself, but only the process can take its files out of the registry.
public final class HeldLines: Sendable {
    static let shared = HeldLines()

    private struct Held {
        var shares: [ObjectIdentifier: LineShare] = [:]
        var locks: [ObjectIdentifier: LineLock] = [:]
    }

    private let held = Mutex(Held())

    func add(_ share: LineShare) { held.withLock { $0.shares[ObjectIdentifier(share)] = share } }
    func remove(_ share: LineShare) { held.withLock { _ = $0.shares.removeValue(forKey: ObjectIdentifier(share)) } }
    func add(_ lock: LineLock) { held.withLock { $0.locks[ObjectIdentifier(lock)] = lock } }
    func remove(_ lock: LineLock) { held.withLock { _ = $0.locks.removeValue(forKey: ObjectIdentifier(lock)) } }

    /// Removes every share socket, then every lock file, this process still has (each only if it
    /// is still the one it made); synchronous and quick, for a process about to die by a signal.
    public static func removeFiles() {
        let (shares, locks) = shared.held.withLock { (Array($0.shares.values), Array($0.locks.values)) }
        for share in shares { share.removeSocket() }
        for lock in locks { lock.removeFile() }
    }
}
