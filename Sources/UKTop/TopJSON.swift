/// `ukfs top --json`: one JSON object per refresh, on one line. A figure the guest lacks (or a
/// rate before its second reading, or any figure of an instance not answering) is null, never 0.
public enum TopJSON {
    /// `took`: seconds the refresh took (every instance read), for whoever watches top's own cost.
    public static func frame(rows: [InstanceRow], order: RowOrder, time: Double, took: Double? = nil) -> String {
        let shown = order.apply(rows)
        let instances = shown.map { row -> String in
            let figures = row.figures
            let answering = row.state.isAnswering
            func number(_ figure: Figure, decimals: Int) -> String {
                guard answering, case .value(let value) = figure else { return "null" }
                return FigureText.fixed(value, decimals)
            }
            return object([
                ("name", string(row.name)),
                ("state", string(row.state.word)),
                ("reason", row.state.reason.map(string) ?? "null"),
                ("uptime_seconds", number(figures.uptimeSeconds, decimals: 3)),
                ("cpu_percent", number(figures.cpuPercent, decimals: 2)),
                ("memory_used_bytes", number(figures.memoryUsed, decimals: 0)),
                ("memory_total_bytes", number(figures.memoryTotal, decimals: 0)),
                ("memory_percent", number(figures.memoryPercent, decimals: 2)),
                ("rx_bytes_per_second", number(figures.rxPerSecond, decimals: 1)),
                ("tx_bytes_per_second", number(figures.txPerSecond, decimals: 1)),
                ("bridge_requests", row.requests.map(String.init) ?? "null"),
            ])
        }
        return object([
            ("time", FigureText.fixed(time, 3)),
            ("refresh_seconds", took.map { FigureText.fixed($0, 3) } ?? "null"),
            ("sort", string(order.key.rawValue)),
            ("descending", order.descending ? "true" : "false"),
            ("instances", "[" + instances.joined(separator: ",") + "]"),
        ])
    }

    static func object(_ members: [(String, String)]) -> String {
        "{" + members.map { string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
