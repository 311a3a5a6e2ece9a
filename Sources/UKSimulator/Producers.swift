import Foundation
import UKBridge

/// The upstream producers of docs/simulated-store.md: names, ids, types and setters as Unikraft's
/// own libraries export them, with values that move like a running system's.
enum Producers {
    static let totalMemory: UInt64 = 256 << 20
    static let baseMemoryUse = Double(24 << 20)
    static let memorySwing = Double(8 << 20)
    static let memoryPeriod: Double = 10

    static func u64(_ id: UInt64, _ name: String, _ value: @escaping @Sendable (SimClock, UInt64) -> UInt64) -> SimEntry {
        SimEntry(id: id, name: name, type: .u64, get: { .value(.unsigned(.u64, value($0.clock, $0.object))) }, set: nil)
    }

    static func s64(_ id: UInt64, _ name: String, _ value: @escaping @Sendable (SimClock) -> Int64) -> SimEntry {
        SimEntry(id: id, name: name, type: .s64, get: { .value(.signed(.s64, value($0.clock))) }, set: nil)
    }

    /// Memory in use swings around a base; its maximum so far never falls.
    static func memoryUse(_ clock: SimClock) -> Int64 {
        Int64(baseMemoryUse + memorySwing * sin(2 * .pi * clock.seconds / memoryPeriod))
    }

    static func maxMemoryUse(_ clock: SimClock) -> Int64 {
        clock.seconds >= memoryPeriod / 4 ? Int64(baseMemoryUse + memorySwing) : memoryUse(clock)
    }

    static func liveAllocations(_ clock: SimClock) -> Int64 {
        1000 + Int64(200 * sin(2 * .pi * clock.seconds / memoryPeriod))
    }

    static func totalAllocations(_ clock: SimClock) -> UInt64 { 1200 + clock.milliseconds * 3 }

    static let ukalloc: [SimEntry] = [
        u64(0x01, "cur_mem_free") { clock, _ in totalMemory - UInt64(memoryUse(clock)) },
        u64(0x02, "last_alloc_size") { clock, _ in 64 << (clock.milliseconds % 7) },
        u64(0x03, "max_alloc_size") { _, _ in 1 << 20 },
        u64(0x04, "min_alloc_size") { _, _ in 16 },
        u64(0x05, "tot_nb_allocs") { clock, _ in totalAllocations(clock) },
        u64(0x06, "tot_nb_frees") { clock, _ in totalAllocations(clock) - UInt64(liveAllocations(clock)) },
        s64(0x07, "cur_nb_allocs") { liveAllocations($0) },
        s64(0x08, "max_nb_allocs") { clock in clock.seconds >= memoryPeriod / 4 ? 1200 : liveAllocations(clock) },
        s64(0x09, "cur_mem_use") { memoryUse($0) },
        s64(0x0a, "max_mem_use") { maxMemoryUse($0) },
        u64(0x0b, "nb_enomem") { _, _ in 0 },
    ]

    static let ukfallocStatic: [SimEntry] = [
        u64(0x01, "free_memory_global") { clock, _ in totalMemory - UInt64(memoryUse(clock)) },
        u64(0x02, "total_memory_global") { _, _ in totalMemory },
    ]

    static let ukfallocObject: [SimEntry] = [
        u64(0x01, "free_memory") { clock, _ in totalMemory - UInt64(memoryUse(clock)) },
        u64(0x02, "total_memory") { _, _ in totalMemory },
    ]

    /// Each NIC carries a steady stream whose rate depends on its number, so NICs differ.
    static func packets(_ clock: SimClock, _ nic: UInt64, perSecond: UInt64) -> UInt64 {
        clock.milliseconds * (perSecond + 100 * nic) / 1000
    }

    static let uknetdevObject: [SimEntry] = [
        u64(0x01, "tx_bytes") { clock, nic in packets(clock, nic, perSecond: 800) * 600 },
        u64(0x02, "tx_packets") { clock, nic in packets(clock, nic, perSecond: 800) },
        u64(0x03, "tx_errors") { clock, _ in clock.milliseconds / 60_000 },
        u64(0x04, "tx_fifo") { clock, nic in packets(clock, nic, perSecond: 800) / 1000 },
        u64(0x10, "rx_bytes") { clock, nic in packets(clock, nic, perSecond: 1000) * 1400 },
        u64(0x20, "rx_packets") { clock, nic in packets(clock, nic, perSecond: 1000) },
        u64(0x30, "rx_errors") { clock, _ in clock.milliseconds / 90_000 },
        u64(0x40, "rx_fifo") { clock, nic in packets(clock, nic, perSecond: 1000) / 1000 },
    ]

    static let ukschedObject: [SimEntry] = [
        u64(0x01, "cpu_time_total") { clock, _ in clock.nanoseconds },
        u64(0x02, "cpu_time_idle") { clock, cpu in clock.nanoseconds / 10 * (6 + cpu) },
        u64(0x03, "sched_count") { clock, _ in clock.milliseconds * 2 },
        u64(0x04, "yield_count") { clock, _ in clock.milliseconds },
        u64(0x05, "next_count") { clock, _ in clock.milliseconds * 2 },
        u64(0x06, "idle_count") { clock, _ in clock.milliseconds / 2 },
    ]

    static let ukprint: [SimEntry] = [
        SimEntry(
            id: 0x01, name: "console_lvl", type: .u8,
            get: { .value(.unsigned(.u8, UInt64($0.settings.consoleLevel))) },
            set: { settings, value in
                guard case .unsigned(.u8, let level) = value else { return WireErrno.EINVAL }
                settings.consoleLevel = UInt8(level)
                return 0
            })
    ]

    static let maxHostnameLength = 63

    /// Our control library: its setters make the store change on demand.
    static let appsim: [SimEntry] = [
        SimEntry(
            id: 0x01, name: "netdev_count", type: .u8,
            get: { .value(.unsigned(.u8, UInt64($0.settings.netdevCount))) },
            set: { settings, value in
                guard case .unsigned(.u8, let count) = value else { return WireErrno.EINVAL }
                settings.netdevCount = UInt8(count)
                return 0
            }),
        SimEntry(
            id: 0x02, name: "hostname", type: .charp,
            get: { .value(.charp($0.settings.hostname)) },
            set: { settings, value in
                guard case .charp(let name) = value else { return WireErrno.EINVAL }
                guard name.count <= maxHostnameLength else { return WireErrno.ERANGE }
                settings.hostname = name
                return 0
            }),
        u64(0x03, "uptime_ms") { clock, _ in clock.milliseconds },
    ]
}
