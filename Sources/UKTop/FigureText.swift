/// How figures are written in the table: short, fixed-width friendly, ASCII.
public enum FigureText {
    /// What a row shows for a figure the guest lacks.
    public static let lacking = "-"
    /// A rate before its second reading.
    public static let pending = ".."

    public static func text(_ figure: Figure, _ format: (Double) -> String) -> String {
        switch figure {
        case .lacking: lacking
        case .pending: pending
        case .value(let number): format(number)
        }
    }

    /// Bytes in binary units as top writes them: `900B`, `12.3K`, `238M`, `1.5G`.
    public static func bytes(_ value: Double) -> String {
        let units = ["B", "K", "M", "G", "T", "P"]
        var scaled = max(0, value)
        var unit = 0
        while scaled >= 1000 && unit < units.count - 1 {
            scaled /= 1024
            unit += 1
        }
        if unit == 0 { return String(Int(scaled.rounded())) + "B" }
        return (scaled < 10 ? fixed(scaled, 1) : String(Int(scaled.rounded()))) + units[unit]
    }

    /// A percentage: `0.0` … `100.0`, `250` above 100 (several CPUs).
    public static func percent(_ value: Double) -> String {
        value >= 1000 ? String(Int(value.rounded())) : fixed(value, 1)
    }

    /// `59s`, `12:34`, `3:04:05`, `12d03h`.
    public static func duration(_ seconds: Double) -> String {
        let total = Int(max(0, seconds))
        let (days, hours, minutes, secs) = (total / 86400, total / 3600 % 24, total / 60 % 60, total % 60)
        if days > 0 { return "\(days)d" + two(hours) + "h" }
        if hours > 0 { return "\(hours):" + two(minutes) + ":" + two(secs) }
        if minutes > 0 { return "\(minutes):" + two(secs) }
        return "\(secs)s"
    }

    /// `value` with `decimals` digits after the point, without Foundation's locale.
    public static func fixed(_ value: Double, _ decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int64((abs(value) * scale).rounded())
        let whole = scaled / Int64(scale)
        let fraction = String(scaled % Int64(scale))
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard decimals > 0 else { return sign + String(whole) }
        return sign + String(whole) + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
