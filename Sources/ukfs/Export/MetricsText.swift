import UKBridge
import UKBridgeClient

/// The Prometheus text exposition format (version 0.0.4, what swift-prometheus emits and
/// `promtool check metrics` reads). Written here rather than through swift-prometheus's registry:
/// that registry holds a process's *own* metrics, whose counters only move by increments, while an
/// exporter mirrors values read elsewhere and must print them as read (a u64 exactly).
enum MetricsText {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    typealias Kind = MetricNaming.Kind

    /// The label that names the instance. Not `instance`: Prometheus gives every scraped sample
    /// that label itself (the exporter's HOST:PORT), and would rename ours `exported_instance`.
    static let instanceLabel = "ukstore_instance"

    struct Sample {
        let name: String
        let kind: Kind
        let help: String
        let labels: [(String, String)]
        let value: String
    }

    /// A sample per numeric entry, named and typed by MetricNaming; charp entries have no number to give.
    static func sample(instance: String, entry: TreeEntry, value: Value) -> Sample? {
        let number: Double
        let text: String
        switch value {
        // uptr renders as hex for people; Prometheus wants the number (a u64 printed exactly).
        case .unsigned(_, let raw): (number, text) = (Double(raw), String(raw))
        case .signed(_, let raw): (number, text) = (Double(raw), String(raw))
        case .charp: return nil
        }
        let name = String(decoding: entry.name, as: UTF8.self)
        let family = MetricNaming.family(ofEntry: name, settable: entry.access.contains(.writable))
        var labels = [(instanceLabel, instance), ("library", String(decoding: entry.library, as: UTF8.self))]
        if let object = entry.object { labels.append(("object", String(decoding: object, as: UTF8.self))) }
        let exported = family.divisor.map { String(number / $0) } ?? text
        let unit = family.entryUnit.map { ", \($0) in the guest" } ?? ""
        return Sample(name: family.name, kind: family.kind, help: "ukstore entry \(name) (\(entry.type)\(unit))",
                      labels: labels, value: exported)
    }

    /// `ukfs_build_info`: always 1, its labels say which ukfs and bridge protocol serve the metrics.
    static func buildInfo(version: String, protocolVersion: UInt8) -> Sample {
        Sample(name: "ukfs_build_info", kind: .gauge, help: "the ukfs exporter's version and bridge protocol version",
               labels: [("version", version), ("protocol", String(protocolVersion))], value: "1")
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
