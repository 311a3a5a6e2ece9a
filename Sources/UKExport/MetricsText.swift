import Synchronization
import UKBridge
import UKBridgeClient
import UKGuestTree

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

    /// A metric family's name and what its HELP and TYPE lines say.
    struct Family: Hashable, Sendable {
        let name: String
        let kind: Kind
        let help: String
    }

    /// One sample line: its family, its series (the name and labels, already escaped) and its value.
    struct Sample: Sendable {
        let family: Family
        let series: String
        let value: String

        init(name: String, kind: Kind, help: String, labels: [(String, String)], value: String) {
            family = Family(name: name, kind: kind, help: help)
            series = MetricsText.series(name, labels)
            self.value = value
        }

        init(family: Family, series: String, value: String) {
            self.family = family
            self.series = series
            self.value = value
        }
    }

    /// An entry as a series, named, typed and labelled once when the tree is listed, so a scrape
    /// only turns each value into text (naming and escaping every label on every scrape was most
    /// of a scrape's cost: callgrind, 64 instances).
    struct PreparedEntry: Sendable {
        let family: Family
        let series: String
        /// What the value is divided by to be in the family's unit.
        let divisor: Double?

        /// The sample of one value; nil for charp, which has no number to give.
        func sample(_ value: Value) -> Sample? {
            let text: String
            switch value {
            // uptr renders as hex for people; Prometheus wants the number (a u64 printed exactly).
            case .unsigned(_, let raw): text = divisor.map { String(Double(raw) / $0) } ?? String(raw)
            case .signed(_, let raw): text = divisor.map { String(Double(raw) / $0) } ?? String(raw)
            case .charp: return nil
            }
            return Sample(family: family, series: series, value: text)
        }
    }

    /// How `entry` of `instance` is exported; nil for a charp entry.
    static func prepare(instance: String, entry: TreeEntry) -> PreparedEntry? {
        var labels = LabelTexts(instance: instance)
        return prepare(entry, labels: &labels)
    }

    /// The same, with the label text of each library and object written once for all its entries.
    static func prepare(_ entry: TreeEntry, labels: inout LabelTexts) -> PreparedEntry? {
        guard entry.type != .charp else { return nil }
        let (family, divisor) = FamilyCache.shared.family(of: entry)
        return PreparedEntry(family: family, series: family.name + "{" + labels.text(entry) + "}", divisor: divisor)
    }

    /// `ukstore_instance="…",library="…"[,object="…"]` of one instance's entries, by place.
    struct LabelTexts {
        private let instance: String
        private var byPlace: [[UInt8]: String] = [:]

        init(instance: String) { self.instance = instance }

        mutating func text(_ entry: TreeEntry) -> String {
            let place = entry.library + [0] + (entry.object ?? [])
            if let known = byPlace[place] { return known }
            var labels = [(MetricsText.instanceLabel, instance), ("library", String(decoding: entry.library, as: UTF8.self))]
            if let object = entry.object {
                labels.append(("object", String(decoding: object, as: UTF8.self)))
                if let device = MetricsText.device(library: entry.library, object: object) { labels.append(("device", device)) }
            }
            let text = String(MetricsText.series("", labels).dropFirst().dropLast())
            byPlace[place] = text
            return text
        }
    }

    /// NICs are also labelled as node_exporter labels them, `device`, with the name users know:
    /// the object's alias (uknetdev's `netdev0` is `eth0`, the mount's `net/eth0`).
    static func device(library: [UInt8], object: [UInt8]) -> String? {
        Aliases.objectAliases(library: library, objects: [object]).first.map { String(decoding: $0.name, as: UTF8.self) }
    }

    /// Families by entry name, type and access: instances of one application have the same
    /// entries, so each is named once per process, not once per instance (naming was a quarter
    /// of a first scrape's instructions over 64 instances: callgrind).
    final class FamilyCache: Sendable {
        static let shared = FamilyCache()

        private struct Key: Hashable {
            let name: [UInt8]
            let type: EntryType
            let settable: Bool
        }

        private let families = Mutex<[Key: (Family, Double?)]>([:])
        static let maxFamilies = 65_536

        func family(of entry: TreeEntry) -> (Family, Double?) {
            let key = Key(name: entry.name, type: entry.type, settable: entry.access.contains(.writable))
            if let known = families.withLock({ $0[key] }) { return known }
            let name = String(decoding: entry.name, as: UTF8.self)
            let named = MetricNaming.family(ofEntry: name, settable: key.settable)
            let unit = named.entryUnit.map { ", \($0) in the guest" } ?? ""
            let made = (
                Family(name: named.name, kind: named.kind, help: "ukstore entry \(name) (\(entry.type)\(unit))"),
                named.divisor
            )
            // Bounded: guests that name every entry differently only lose the cache's help.
            families.withLock { if $0.count < Self.maxFamilies { $0[key] = made } }
            return made
        }
    }

    /// A sample per numeric entry, named and typed by MetricNaming; charp entries have no number to give.
    static func sample(instance: String, entry: TreeEntry, value: Value) -> Sample? {
        prepare(instance: instance, entry: entry)?.sample(value)
    }

    /// `ukfs_build_info`: always 1, its labels say which ukfs and bridge protocol serve the metrics.
    static func buildInfo(version: String, protocolVersion: UInt8) -> Sample {
        Sample(
            name: "ukfs_build_info", kind: .gauge, help: "the ukfs exporter's version and bridge protocol version",
            labels: [("version", version), ("protocol", String(protocolVersion))], value: "1")
    }

    /// `name{label="value",…}`, the values escaped.
    static func series(_ name: String, _ labels: [(String, String)]) -> String {
        guard !labels.isEmpty else { return name }
        var text = name + "{"
        for (index, (label, value)) in labels.enumerated() {
            if index > 0 { text += "," }
            text += label + "=\"" + escapeLabel(value) + "\""
        }
        return text + "}"
    }

    /// Families in order of first appearance, each with one HELP and TYPE line (the first sample's)
    /// and all its samples together, as the format requires; `parts` in order, each part's samples in theirs.
    static func render(_ parts: [[Sample]]) -> String {
        var order: [Family] = []
        var members: [String: [(part: Int32, index: Int32)]] = [:]
        var bytes = 0
        for (partIndex, part) in parts.enumerated() {
            for (index, sample) in part.enumerated() {
                bytes += sample.series.utf8.count + sample.value.utf8.count + 2
                members[sample.family.name, default: []].append((Int32(partIndex), Int32(index)))
                if members[sample.family.name]?.count == 1 { order.append(sample.family) }
            }
        }
        var out = ""
        out.reserveCapacity(bytes + order.count * 160)
        for family in order {
            out +=
                "# HELP " + family.name + " " + escapeHelp(family.help) + "\n# TYPE " + family.name + " "
                + family.kind.rawValue + "\n"
            for (part, index) in members[family.name] ?? [] {
                let sample = parts[Int(part)][Int(index)]
                out += sample.series + " " + sample.value + "\n"
            }
        }
        return out
    }

    static func escapeLabel(_ text: String) -> String {
        // Most label values need nothing: check the bytes before building a new string.
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") }) else {
            return text
        }
        var out = ""
        for character in text.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    static func escapeHelp(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\n") }) else { return text }
        var out = ""
        for character in text.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }
}
