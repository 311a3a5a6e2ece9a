/// The main view as lines of text: the summary, the column header, a line per row. Batch mode
/// prints them; the full screen draws the same lines (highlighting the header and the selection).
public struct TopTable: Sendable {
    public struct Column: Sendable {
        public let title: String
        public let width: Int
        /// The key this column sorts by (both network columns: `network`).
        public let key: SortKey
        let cell: @Sendable (InstanceRow) -> String
    }

    public let columns: [Column]

    /// Columns for these rows: NAME as wide as the longest name (5 to 24 characters).
    public init(rows: [InstanceRow]) {
        let nameWidth = min(max(rows.map(\.name.count).max() ?? 0, 5), 24)
        func figure(
            _ figure: KeyPath<Figures, Figure> & Sendable, _ format: @escaping @Sendable (Double) -> String
        )
            -> @Sendable (InstanceRow) -> String
        {
            { row in row.state.isAnswering ? FigureText.text(row.figures[keyPath: figure], format) : "" }
        }
        columns = [
            Column(title: "NAME", width: nameWidth, key: .name) { $0.name },
            Column(title: "UPTIME", width: 8, key: .uptime, cell: figure(\.uptimeSeconds, FigureText.duration)),
            Column(title: "CPU%", width: 6, key: .cpu, cell: figure(\.cpuPercent, FigureText.percent)),
            Column(title: "MEM", width: 7, key: .memory, cell: figure(\.memoryUsed, FigureText.bytes)),
            Column(title: "TOTAL", width: 7, key: .memoryTotal, cell: figure(\.memoryTotal, FigureText.bytes)),
            Column(title: "MEM%", width: 5, key: .memoryPercent, cell: figure(\.memoryPercent, FigureText.percent)),
            Column(title: "RX/s", width: 7, key: .network, cell: figure(\.rxPerSecond, FigureText.bytes)),
            Column(title: "TX/s", width: 7, key: .network, cell: figure(\.txPerSecond, FigureText.bytes)),
            Column(title: "STATE", width: 0, key: .state) { $0.state.text },
        ]
    }

    /// The header, each column at its place; `marked` columns (the sort key's) carry `^` or `v`.
    public func header(order: RowOrder? = nil) -> String {
        line(
            columns.map { column in
                guard let order, column.key == order.key else { return column.title }
                return column.title + (order.descending ? "v" : "^")
            })
    }

    /// Where each column starts and how wide it is on a line, for highlighting.
    public var spans: [(start: Int, width: Int)] {
        var start = 0
        return columns.map { column in
            defer { start += column.width + 1 }
            return (start, column.width)
        }
    }

    public func line(_ row: InstanceRow) -> String {
        line(columns.map { $0.cell(row) })
    }

    /// Cells padded to their columns: the name left-aligned, figures right-aligned, the state
    /// last and as long as it is.
    func line(_ cells: [String]) -> String {
        var text = ""
        for (index, (column, cell)) in zip(columns, cells).enumerated() {
            if index > 0 { text += " " }
            let pad = String(repeating: " ", count: max(0, column.width - cell.count))
            let clipped = column.width > 0 && cell.count > column.width ? String(cell.prefix(column.width)) : cell
            text += index == 0 || column.width == 0 ? clipped + (index == 0 ? pad : "") : pad + clipped
        }
        return text
    }

    /// The line above the table, as top's: the time, instances by state, the sort and the filter.
    public static func summary(rows: [InstanceRow], shown: Int, order: RowOrder, interval: Double, clock: String) -> String {
        let answering = rows.filter(\.state.isAnswering).count
        let idle = rows.filter { $0.state == .idle }.count
        var text = "ukfs top - \(clock)  instances: \(rows.count), \(answering) answering"
        if idle > 0 { text += ", \(idle) idle" }
        if rows.count > answering + idle { text += ", \(rows.count - answering - idle) not" }
        text += "  every \(FigureText.fixed(interval, 1)) s  sort: \(order.key.rawValue) \(order.descending ? "desc" : "asc")"
        if !order.filter.isEmpty { text += "  filter: \(order.filter) (\(shown) shown)" }
        return text
    }

    /// A whole batch frame: summary, an empty line, header and rows, as `top -b` prints one.
    public static func frame(rows: [InstanceRow], order: RowOrder, interval: Double, clock: String) -> [String] {
        let shown = order.apply(rows)
        let table = TopTable(rows: shown)
        return [summary(rows: rows, shown: shown.count, order: order, interval: interval, clock: clock), "", table.header(order: order)]
            + shown.map(table.line)
    }
}
