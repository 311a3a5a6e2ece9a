import UKBridge
import UKBridgeClient

/// The Prometheus text exposition format (version 0.0.4, what swift-prometheus emits and
/// `promtool check metrics` reads). Written here rather than through swift-prometheus's registry:
/// that registry holds a process's *own* metrics, whose counters only move by increments, while an
/// exporter mirrors values read elsewhere and must print them as read (a u64 exactly).
enum MetricsText {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    enum Kind: String { case counter, gauge }

    struct Sample {
        let name: String
        let kind: Kind
        let help: String
        let labels: [(String, String)]
        let value: String
    }

    /// ukstore's own naming tells what accumulates: `*_bytes`, `*_packets`, `*_count`, `tot_*`
    /// (and `*_total`) are counters; everything else (free memory, a log level …) is a gauge.
    static func kind(ofEntry name: String) -> Kind {
        for suffix in ["_bytes", "_packets", "_count", "_total"] where name.hasSuffix(suffix) { return .counter }
        return name.hasPrefix("tot_") ? .counter : .gauge
    }

    /// `ukstore_<entry>`, with what Prometheus names cannot hold made `_`; counters end in `_total`.
    static func metricName(ofEntry name: String) -> String {
        var sanitized = String(name.unicodeScalars.map { scalar -> Character in
            let ascii = scalar.isASCII ? Character(scalar) : "_"
            return ascii.isLetter || ascii.isNumber || ascii == "_" ? ascii : "_"
        })
        if kind(ofEntry: name) == .counter && !sanitized.hasSuffix("_total") { sanitized += "_total" }
        return "ukstore_" + sanitized
    }

    /// Prometheus wants base units: an entry in `_ms`, `_us` or `_ns` is exported in `_seconds`.
    static let timeUnits: [(suffix: String, perSecond: Double)] = [("_ms", 1e3), ("_us", 1e6), ("_ns", 1e9)]

    /// A sample per numeric entry; charp entries have no number to give.
    static func sample(instance: String, entry: TreeEntry, value: Value) -> Sample? {
        if case .charp = value { return nil }
        var name = String(decoding: entry.name, as: UTF8.self)
        let original = name
        var labels = [("instance", instance), ("library", String(decoding: entry.library, as: UTF8.self))]
        if let object = entry.object { labels.append(("object", String(decoding: object, as: UTF8.self))) }
        // uptr renders as hex for people; Prometheus wants the number.
        let number: String = switch value {
        case .unsigned(_, let raw): String(raw)
        case .signed(_, let raw): String(raw)
        case .charp: ""
        }
        var exported = number
        if let unit = timeUnits.first(where: { name.hasSuffix($0.suffix) }), let raw = Double(number) {
            name = String(name.dropLast(unit.suffix.count)) + "_seconds"
            exported = String(raw / unit.perSecond)
        }
        return Sample(name: metricName(ofEntry: name), kind: kind(ofEntry: name),
                      help: "ukstore entry \(original) (\(entry.type))", labels: labels, value: exported)
    }

    /// Families in order of first appearance, each with one HELP and TYPE line and all its samples
    /// together, as the format requires.
    static func render(_ samples: [Sample]) -> String {
        var order: [String] = []
        var families: [String: [Sample]] = [:]
        for sample in samples {
            if families[sample.name] == nil { order.append(sample.name) }
            families[sample.name, default: []].append(sample)
        }
        var out = ""
        for name in order {
            guard let family = families[name], let first = family.first else { continue }
            out += "# HELP \(name) \(escapeHelp(first.help))\n# TYPE \(name) \(first.kind.rawValue)\n"
            for sample in family {
                let labels = sample.labels.map { "\($0.0)=\"\(escapeLabel($0.1))\"" }.joined(separator: ",")
                out += name + (labels.isEmpty ? "" : "{\(labels)}") + " " + sample.value + "\n"
            }
        }
        return out
    }

    static func escapeLabel(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    static func escapeHelp(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }
}
