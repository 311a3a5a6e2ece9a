import UKBridgeClient
import UKGuestTree

/// Which ukstore entries make the row's figures, by upstream producers' names (the same in the
/// simulator, the C agent's double and a real image): libuksched's per-CPU `cpu_time_total` and
/// `cpu_time_idle`; libukalloc's `cur_mem_use` and `cur_mem_free`, else libukfalloc's totals;
/// libuknetdev's per-NIC `rx_bytes` and `tx_bytes`; an `uptime_ms` (or `_us`, `_ns`, `_s`)
/// wherever an application exports one. The main view reads only these.
public enum FigureSources {
    static let scheduler = "libuksched"
    static let allocator = "libukalloc"
    static let frameAllocator = "libukfalloc"
    static let network = "libuknetdev"

    static let cpuNames: Set<String> = ["cpu_time_total", "cpu_time_idle"]
    static let allocatorNames: Set<String> = ["cur_mem_use", "cur_mem_free"]
    static let frameAllocatorNames: Set<String> = [
        "total_memory_global", "free_memory_global", "total_memory", "free_memory",
    ]
    static let networkNames: Set<String> = ["rx_bytes", "tx_bytes"]
    /// Uptime entries and what one unit of each is in seconds.
    static let uptimeUnits: [String: Double] = ["uptime_s": 1, "uptime_ms": 1e-3, "uptime_us": 1e-6, "uptime_ns": 1e-9]

    /// Whether the main view needs `entry`.
    public static func wants(_ entry: TreeEntry) -> Bool {
        let name = Reading.Item(
            library: "", object: nil, name: String(decoding: entry.name, as: UTF8.self), value: nil
        ).plainName
        if uptimeUnits[name] != nil { return true }
        switch String(decoding: entry.library, as: UTF8.self) {
        case scheduler: return entry.object != nil && cpuNames.contains(name)
        case allocator: return entry.object == nil && allocatorNames.contains(name)
        case frameAllocator: return frameAllocatorNames.contains(name)
        case network: return entry.object != nil && networkNames.contains(name)
        default: return false
        }
    }
}
