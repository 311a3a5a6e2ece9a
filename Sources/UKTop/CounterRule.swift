/// Which entries only ever rise, so that the detail view shows their rise per second: the same
/// families of names the exporter makes counters of (README "Prometheus").
public enum CounterRule {
    static let suffixes = ["_bytes", "_packets", "_errors", "_fifo", "_drops", "_count"]
    static let prefixes = ["tot_", "nb_", "cpu_time_"]

    public static func isCounter(_ name: String) -> Bool {
        suffixes.contains { name.hasSuffix($0) } || prefixes.contains { name.hasPrefix($0) }
    }
}
