import Foundation
import Synchronization

/// open + read-to-EOF + close of one file in a tight loop on N threads: the syscalls only, no
/// process per read, so what is measured is the filesystem.
enum ReaderLoop {
    /// How long one measurement lasts: a duration, or a number of operations (split across threads).
    enum Budget: Sendable {
        case seconds(Double)
        case operations(Int)
    }

    struct Result: Sendable {
        let operations: Int
        let seconds: Double
        let failures: Int
        var perSecond: Double { seconds > 0 ? Double(operations) / seconds : 0 }
    }

    static func measure(_ path: String, threads: Int, budget: Budget) -> Result {
        measure([path], threads: threads, budget: budget)
    }

    /// Thread i reads `paths[i % paths.count]`: one entry for all, or one entry each.
    static func measure(_ paths: [String], threads: Int, budget: Budget) -> Result {
        let results = Mutex<[(operations: Int, failures: Int, seconds: Double)]>([])
        let ready = DispatchSemaphore(value: 0)
        let go = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        for index in 0..<threads {
            done.enter()
            let thread = Thread {
                ready.signal()
                go.wait()
                let outcome = loop(paths[index % paths.count], budget: budget, share: index, of: threads)
                results.withLock { $0.append(outcome) }
                done.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        for _ in 0..<threads { ready.wait() }
        for _ in 0..<threads { go.signal() }
        done.wait()
        return results.withLock { all in
            Result(
                operations: all.reduce(0) { $0 + $1.operations },
                seconds: all.map(\.seconds).max() ?? 0,
                failures: all.reduce(0) { $0 + $1.failures })
        }
    }

    /// One thread's loop. Time is read every 32 operations: cheap next to a FUSE round trip.
    private static func loop(
        _ path: String, budget: Budget, share: Int, of threads: Int
    )
        -> (operations: Int, failures: Int, seconds: Double)
    {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 4096, alignment: 64)
        defer { buffer.deallocate() }
        let start = Clock.seconds()
        var operations = 0
        var failures = 0
        let limit: Int
        let deadline: Double
        switch budget {
        case .seconds(let seconds):
            limit = .max
            deadline = start + seconds
        case .operations(let total):
            limit = total / threads + (share < total % threads ? 1 : 0)
            deadline = .infinity
        }
        path.withCString { cPath in
            while operations < limit {
                if readOnce(cPath, buffer) { operations += 1 } else { failures += 1; if failures > 1000 { break } }
                if operations & 31 == 0 && Clock.seconds() >= deadline { break }
            }
        }
        return (operations, failures, Clock.seconds() - start)
    }

    /// One open, reads until EOF, one close; false on any error.
    @inline(__always)
    static func readOnce(_ path: UnsafePointer<CChar>, _ buffer: UnsafeMutableRawPointer) -> Bool {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        while true {
            let count = read(fd, buffer, 4096)
            if count == 0 { return true }
            if count < 0 { return false }
        }
    }
}

enum Clock {
    static func seconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
