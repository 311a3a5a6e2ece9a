/// A row's figures, from the latest reading and the one before it (for rates).
public struct Figures: Sendable, Equatable {
    public var uptimeSeconds: Figure = .lacking
    /// Busy time over wall time, summed over CPUs: 100 is one CPU busy all the time, as in top.
    public var cpuPercent: Figure = .lacking
    public var memoryUsed: Figure = .lacking
    public var memoryTotal: Figure = .lacking
    public var memoryPercent: Figure = .lacking
    /// Bytes per second, summed over NICs.
    public var rxPerSecond: Figure = .lacking
    public var txPerSecond: Figure = .lacking

    public init() {}

    /// rx + tx, for sorting by network.
    public var networkPerSecond: Figure {
        switch (rxPerSecond, txPerSecond) {
        case (.value(let rx), .value(let tx)): .value(rx + tx)
        case (.value(let one), _), (_, .value(let one)): .value(one)
        case (.pending, _), (_, .pending): .pending
        default: .lacking
        }
    }

    /// The figures `current` gives, with rates against `previous` (same boot only).
    public init(_ current: Reading, previous: Reading?) {
        let now = Totals(current)
        let before = previous.flatMap { $0.bootID == current.bootID && $0.time < current.time ? Totals($0) : nil }
        let seconds = previous.map { Double(current.time &- $0.time) / 1e9 } ?? 0

        uptimeSeconds = Figure(now.uptimeSeconds)
        if let used = now.memoryUsed, let total = now.memoryTotal {
            memoryUsed = .value(used)
            memoryTotal = .value(total)
            memoryPercent = total > 0 ? .value(100 * used / total) : .lacking
        }
        cpuPercent = Self.rate(now.cpuBusy, before?.cpuBusy, seconds: seconds).map { $0 / 1e9 * 100 }
        rxPerSecond = Self.rate(now.rx, before?.rx, seconds: seconds)
        txPerSecond = Self.rate(now.tx, before?.tx, seconds: seconds)
    }

    /// The per-second rise of per-object counters between two readings, over the objects present
    /// in both (a NIC or CPU that came or went does not count); pending when nothing compares or
    /// a counter fell (the guest restarted it).
    static func rate(_ now: [String: Double], _ before: [String: Double]?, seconds: Double) -> Figure {
        guard !now.isEmpty else { return .lacking }
        guard let before, seconds > 0 else { return .pending }
        var rise = 0.0
        var compared = 0
        for (object, value) in now {
            guard let old = before[object] else { continue }
            guard value >= old else { return .pending }
            rise += value - old
            compared += 1
        }
        return compared > 0 ? .value(rise / seconds) : .pending
    }

    /// What one reading sums to, per object where a rate needs it.
    struct Totals {
        var uptimeSeconds: Double?
        var memoryUsed: Double?
        var memoryTotal: Double?
        /// Busy nanoseconds per CPU object.
        var cpuBusy: [String: Double] = [:]
        var rx: [String: Double] = [:]
        var tx: [String: Double] = [:]

        init(_ reading: Reading) {
            var cpuTotal: [String: Double] = [:]
            var cpuIdle: [String: Double] = [:]
            var alloc: [String: Double] = [:]
            var globalFrames: [String: Double] = [:]
            var frames: [String: Double] = [:]
            for item in reading.items {
                guard let number = item.number else { continue }
                let name = item.plainName
                if uptimeSeconds == nil, let unit = FigureSources.uptimeUnits[name] {
                    uptimeSeconds = number * unit
                    continue
                }
                switch item.library {
                case FigureSources.scheduler:
                    guard let object = item.object else { continue }
                    if name == "cpu_time_total" { cpuTotal[object] = number }
                    if name == "cpu_time_idle" { cpuIdle[object] = number }
                case FigureSources.allocator where item.object == nil:
                    if FigureSources.allocatorNames.contains(name) { alloc[name] = number }
                case FigureSources.frameAllocator:
                    if item.object == nil {
                        globalFrames[name] = number
                    } else if name == "total_memory" || name == "free_memory" {
                        frames[name, default: 0] += number
                    }
                case FigureSources.network:
                    guard let object = item.object else { continue }
                    if name == "rx_bytes" { rx[object] = number }
                    if name == "tx_bytes" { tx[object] = number }
                default:
                    continue
                }
            }
            for (object, total) in cpuTotal {
                if let idle = cpuIdle[object] { cpuBusy[object] = max(0, total - idle) }
            }
            // The heap first (what the application allocates), else the frame allocator.
            if let use = alloc["cur_mem_use"], let free = alloc["cur_mem_free"] {
                memoryUsed = max(0, use)
                memoryTotal = max(0, use) + free
            } else if let total = globalFrames["total_memory_global"], let free = globalFrames["free_memory_global"] {
                memoryUsed = max(0, total - free)
                memoryTotal = total
            } else if let total = frames["total_memory"], let free = frames["free_memory"] {
                memoryUsed = max(0, total - free)
                memoryTotal = total
            }
        }
    }
}
