import UKBridge

/// One instance in full, as lines: every library and object, each entry's value, and for
/// counters their rise per second since the previous reading.
public enum DetailView {
    /// A counter's rise per second as a reader wants it: bytes in binary units, CPU time
    /// (nanoseconds) as the share of one CPU it is, other counts as they are.
    static func rate(_ perSecond: Double, of name: String) -> String {
        if name.hasPrefix("cpu_time_") { return FigureText.percent(perSecond / 1e7) + "%" }
        if name.hasSuffix("_bytes") { return FigureText.bytes(perSecond) + "/s" }
        return FigureText.fixed(perSecond, 1) + "/s"
    }

    /// A guest's text made safe for a terminal: a control character (an escape sequence's ESC,
    /// a newline) becomes `?`, so no value can move the cursor or change the terminal's modes.
    static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || ($0.value >= 0x7f && $0.value < 0xa0) }) else { return text }
        return String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { $0.value < 0x20 || ($0.value >= 0x7f && $0.value < 0xa0) ? "?" : $0 }))
    }

    /// The lines for `current`, in listing order, with rates against `previous` (same boot only).
    public static func lines(_ current: Reading, previous: Reading?) -> [String] {
        var old: [String: Double] = [:]
        var seconds = 0.0
        if let previous, previous.bootID == current.bootID, previous.time < current.time {
            seconds = Double(current.time - previous.time) / 1e9
            for item in previous.items { if let number = item.number { old[item.path] = number } }
        }
        let nameWidth = min(max(current.items.map { $0.name.count + ($0.object == nil ? 2 : 4) }.max() ?? 0, 24), 48)
        var lines: [String] = []
        var library: String?
        var object: String??
        for item in current.items {
            if item.library != library {
                library = item.library
                object = .some(nil)
                lines.append(item.library)
            }
            if item.object != object {
                object = item.object
                if let name = item.object { lines.append("  " + name) }
            }
            let indent = item.object == nil ? "  " : "    "
            let value = item.value.map { Self.printable(String(decoding: $0.text, as: UTF8.self)) } ?? "-"
            var rate = ""
            if CounterRule.isCounter(item.plainName), let now = item.number {
                if let before = old[item.path], seconds > 0, now >= before {
                    let perSecond = (now - before) / seconds
                    rate = Self.rate(perSecond, of: item.plainName)
                } else {
                    rate = FigureText.pending
                }
            }
            let label = indent + item.name
            let pad = String(repeating: " ", count: max(1, nameWidth - label.count + 1))
            let clipped = value.count > 40 ? String(value.prefix(39)) + "~" : value
            let valuePad = String(repeating: " ", count: max(1, 21 - clipped.count))
            lines.append(
                label + pad + valuePad + clipped + (rate.isEmpty ? "" : String(repeating: " ", count: max(1, 12 - rate.count)) + rate))
        }
        return lines
    }
}
