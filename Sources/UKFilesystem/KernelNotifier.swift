import CFuse3
import Foundation
import Synchronization

/// Sends invalidations to the kernel from a thread of its own. A notification sent from a thread
/// that also answers requests can deadlock: the kernel may hold the directory lock while it waits
/// for our answer to a lookup there (docs/architecture.md, §5 "When the guest's tree changes").
final class KernelNotifier: @unchecked Sendable {
    // @unchecked: `session` is set once before the thread starts and only read after.
    private var session: OpaquePointer?
    private let queue = Mutex<[KernelInvalidation]>([])
    private let wakeup = DispatchSemaphore(value: 0)
    private let stopped = Atomic<Bool>(false)
    private var thread: Thread?

    func start(session: OpaquePointer) {
        self.session = session
        let thread = Thread { [self] in run() }
        thread.name = "ukfs-notifier"
        thread.start()
        self.thread = thread
    }

    func post(_ invalidations: [KernelInvalidation]) {
        guard !invalidations.isEmpty else { return }
        queue.withLock { $0.append(contentsOf: invalidations) }
        wakeup.signal()
    }

    func stop() {
        stopped.store(true, ordering: .releasing)
        wakeup.signal()
    }

    private func run() {
        while true {
            wakeup.wait()
            if stopped.load(ordering: .acquiring) { return }
            let batch = queue.withLock { queue in
                defer { queue.removeAll() }; return queue
            }
            guard let session else { continue }
            for invalidation in batch {
                switch invalidation {
                case .delete(let parent, let child, let name):
                    let status = name.withUnsafeBufferPointer { buffer in
                        buffer.withMemoryRebound(to: CChar.self) {
                            fuse_lowlevel_notify_delete(session, parent, child, $0.baseAddress, $0.count)
                        }
                    }
                    // ENOENT: the kernel had already dropped the name; nothing to do.
                    if status != 0 && status != -ENOENT {
                        _ = name.withUnsafeBufferPointer { buffer in
                            buffer.withMemoryRebound(to: CChar.self) {
                                fuse_lowlevel_notify_inval_entry(session, parent, $0.baseAddress, $0.count)
                            }
                        }
                    }
                }
            }
        }
    }
}
