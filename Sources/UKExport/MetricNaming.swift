/// How a ukstore entry becomes a Prometheus metric, by Prometheus's own conventions and
/// node_exporter's choices for the same kind of figure (https://prometheus.io/docs/practices/naming/):
/// base units (seconds, bytes) named in the metric, counters for what only accumulates, ending in
/// `_total`, gauges for everything else, and for anything a user can set.
enum MetricNaming {
    enum Kind: String { case counter, gauge }

    struct Family: Equatable {
        /// The metric's name, `ukstore_…`.
        let name: String
        let kind: Kind
        /// What the entry's value is divided by to be in the metric's unit (1e9 for nanoseconds).
        let divisor: Double?
        /// The entry's unit, when it is converted: said in the HELP text.
        let entryUnit: String?
    }

    /// Entries whose name says their time unit; exported in seconds, the suffix replaced.
    static let timeSuffixes: [(suffix: String, unit: String, perSecond: Double)] =
        [("_ns", "nanoseconds", 1e9), ("_us", "microseconds", 1e6), ("_ms", "milliseconds", 1e3)]

    /// Upstream entries whose unit is not in their name. uksched's CPU times are nanoseconds
    /// (`cpu_time_total`, `cpu_time_idle`); they become node_exporter-like CPU second counters.
    static let knownTimes: [String: (base: String, unit: String, perSecond: Double)] = [
        "cpu_time_total": ("cpu_time", "nanoseconds", 1e9),
        "cpu_time_idle": ("cpu_idle", "nanoseconds", 1e9),
    ]

    /// Words that make an entry a gauge whatever else it says: a current or extreme value.
    static let gaugePrefixes: Set = ["cur", "max", "min", "last"]
    /// Last words of accumulating figures (node_exporter's `…_errs_total`, `…_fifo_total`,
    /// `…_drop_total`, `…_packets_total`, `…_bytes_total`), and ukstore's own `_count`.
    static let counterLastWords: Set = [
        "bytes", "packets", "errors", "errs", "fifo", "drops", "dropped", "drop",
        "count", "total", "overruns", "collisions",
        // The guest agent's own (libukstoreagent): frames read, discarded, timed out, malformed,
        // names skipped, orphan objects, events dropped — each only grows.
        "frames", "discarded", "timeouts", "malformed", "skipped", "orphans",
    ]
    /// Whole names of accumulating figures no word rule catches: the agent's count of times its
    /// object table was full.
    static let counterNames: Set = ["table_full"]
    /// First words of ukstore's running totals: `tot_nb_allocs`, `nb_enomem`.
    static let counterFirstWords: Set = ["tot", "nb"]
    /// Words that make an entry a size in bytes: ukalloc's and ukfalloc's memory figures and sizes.
    static let memoryWords: Set = ["mem", "memory"]

    static func family(ofEntry entry: String, settable: Bool) -> Family {
        var base = sanitized(entry)
        var unit: (suffix: String, divisor: Double?, entryUnit: String?)? = nil
        var accumulatesTime = false
        if let known = knownTimes[entry] {
            base = known.base
            unit = ("seconds", known.perSecond, known.unit)
            accumulatesTime = true
        } else if let time = timeSuffixes.first(where: { base.hasSuffix($0.suffix) }) {
            base = String(base.dropLast(time.suffix.count))
            unit = ("seconds", time.perSecond, time.unit)
        }
        let words = base.split(separator: "_").map(String.init)
        if unit == nil, words.contains(where: memoryWords.contains) && words.first != "nb" || words.last == "size" {
            unit = ("bytes", nil, nil)
        }

        let kind: Kind
        if settable || words.first.map(gaugePrefixes.contains) == true {
            kind = .gauge
        } else if accumulatesTime || words.last.map(counterLastWords.contains) == true || counterNames.contains(base)
            || words.first.map(counterFirstWords.contains) == true
        {
            kind = .counter
        } else {
            kind = .gauge
        }

        var name = base
        if let unit, !name.hasSuffix("_" + unit.suffix) { name += "_" + unit.suffix }
        switch kind {
        case .counter:
            if !name.hasSuffix("_total") { name += "_total" }
        case .gauge:
            // Prometheus keeps these suffixes for counters, histograms and summaries (promtool
            // refuses them on a gauge): a settable `netdev_count` is `ukstore_netdevs`.
            if name.hasSuffix("_count") {
                name = String(name.dropLast("_count".count)) + "s"
            } else if ["_total", "_sum", "_bucket"].contains(where: name.hasSuffix) {
                name += "_value"
            }
        }
        return Family(name: "ukstore_" + name, kind: kind, divisor: unit?.divisor, entryUnit: unit?.entryUnit)
    }

    /// What Prometheus names cannot hold made `_`.
    static func sanitized(_ name: String) -> String {
        String(
            name.unicodeScalars.map { scalar -> Character in
                let character = scalar.isASCII ? Character(scalar) : "_"
                return character.isLetter || character.isNumber || character == "_" ? character : "_"
            })
    }
}
