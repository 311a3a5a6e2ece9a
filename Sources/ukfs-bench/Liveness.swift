import Foundation
import Logging
import NIOPosix
import UKBridge
import UKBridgeClient

/// Time from an object's creation in the guest to its name answering `stat` in the mount: the
/// guest's event, ukfs's re-listing and the kernel's invalidation, end to end.
enum Liveness {
    struct Figures: Sendable, Codable {
        let samples: Int
        let p50Milliseconds: Double
        let p99Milliseconds: Double
        let maxMilliseconds: Double
    }

    static let netdevCount = EntryRef.staticEntry(lib: 5, entry: 1)

    /// Creates `netdev1` (appsim/netdev_count = 2) through a connection of its own, as the guest's
    /// application would, times until `stat` finds it, then releases it and waits until it is gone.
    static func run(socket: String, mountpoint: String, creations: Int) async throws -> Figures {
        let connection = try await Guest.connect(socket: socket, purpose: "liveness")
        defer { connection.close() }
        let object = mountpoint + "/libuknetdev/netdev1"
        guard exists(mountpoint + "/libuknetdev/netdev0") else { throw BenchError("liveness: no libuknetdev/netdev0 in the mount") }
        var samples: [Double] = []
        for _ in 0..<creations {
            let started = Clock.seconds()
            try await set(count: 2, on: connection)
            guard waitUntil({ exists(object) }) else { throw BenchError("liveness: netdev1 did not appear within 5 s") }
            samples.append((Clock.seconds() - started) * 1000)
            try await set(count: 1, on: connection)
            guard waitUntil({ !exists(object) }) else { throw BenchError("liveness: netdev1 did not vanish within 5 s") }
        }
        samples.sort()
        return Figures(
            samples: samples.count, p50Milliseconds: percentile(samples, 0.50),
            p99Milliseconds: percentile(samples, 0.99), maxMilliseconds: samples.last ?? 0)
    }

    private static func set(count: UInt64, on connection: BridgeConnection) async throws {
        let result = await connection.send(.set(netdevCount, .unsigned(.u8, count)), timeout: .seconds(5))
        guard case .success(.set) = result else { throw BenchError("liveness: setting netdev_count failed: \(result)") }
    }

    private static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// Polls every 100 µs for at most 5 s: fine enough next to a millisecond-scale answer, coarse
    /// enough not to starve the daemon of the machine's 2 CPUs.
    private static func waitUntil(_ condition: () -> Bool) -> Bool {
        let deadline = Clock.seconds() + 5
        while Clock.seconds() < deadline {
            if condition() { return true }
            usleep(100)
        }
        return condition()
    }

    /// Nearest-rank percentile of sorted samples.
    static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}
