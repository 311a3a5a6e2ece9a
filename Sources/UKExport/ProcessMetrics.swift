import Foundation

/// The exporter's own `process_*` series, as every Prometheus client library writes them (CPU
/// seconds, resident and virtual memory, open and maximum descriptors, start time), read from
/// `/proc/self` at each scrape.
enum ProcessMetrics {
    static func samples() -> [MetricsText.Sample] {
        var samples: [MetricsText.Sample] = []
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let page = Double(sysconf(Int32(_SC_PAGESIZE)))
        if let stat = statFields(), ticks > 0 {
            // Fields after the command's closing parenthesis, numbered from 3 as in proc(5).
            func field(_ number: Int) -> Double? { number - 3 < stat.count ? Double(stat[number - 3]) : nil }
            if let user = field(14), let system = field(15) {
                samples.append(
                    sample("process_cpu_seconds_total", .counter, "user and system CPU time spent, in seconds", (user + system) / ticks))
            }
            if let virtual = field(23) {
                samples.append(sample("process_virtual_memory_bytes", .gauge, "virtual memory size, in bytes", virtual))
            }
            if let resident = field(24) {
                samples.append(sample("process_resident_memory_bytes", .gauge, "resident memory size, in bytes", resident * page))
            }
            if let start = field(22), let boot = bootTime() {
                samples.append(
                    sample(
                        "process_start_time_seconds", .gauge, "start time of the process since the Unix epoch, in seconds",
                        boot + start / ticks))
            }
        }
        if let open = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count {
            samples.append(sample("process_open_fds", .gauge, "open file descriptors", Double(open)))
        }
        var limit = rlimit()
        if getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            samples.append(sample("process_max_fds", .gauge, "the limit on open file descriptors", Double(limit.rlim_cur)))
        }
        return samples
    }

    private static func sample(_ name: String, _ kind: MetricsText.Kind, _ help: String, _ value: Double) -> MetricsText.Sample {
        let text = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        return MetricsText.Sample(name: name, kind: kind, help: help, labels: [], value: text)
    }

    /// `/proc/self/stat` after the command name (which may hold spaces and parentheses).
    private static func statFields() -> [Substring]? {
        guard let text = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        return text[text.index(after: close)...].split(separator: " ")
    }

    /// The boot time, from `/proc/stat`'s `btime` line.
    private static func bootTime() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        let line = text.split(separator: "\n").first { $0.hasPrefix("btime ") }
        return line.flatMap { Double($0.dropFirst("btime ".count)) }
    }
}
