import Foundation
import UKTop

/// What one screen shows, drawn from the view's state and the latest refresh: the main table,
/// one instance's detail, or the help. The table's lines are `TopTable`'s, as batch mode prints.
struct TopPainter {
    let view: ViewState
    let interval: Double
    let all: [InstanceRow]
    let rows: [InstanceRow]
    let detail: [String]?

    /// Lines above the table or the detail: the summary, the keys, the header.
    static let headerLines = 3

    func paint(on screen: TopScreen.Painter, top: Int, selection: Int?) {
        switch view.mode {
        case .help: help(on: screen)
        case .detail(let name): detailView(name, on: screen)
        case .main, .filtering: main(on: screen, top: top, selection: selection)
        }
    }

    private func main(on screen: TopScreen.Painter, top: Int, selection: Int?) {
        let table = TopTable(rows: rows)
        let clock = TopBatch.clock(Date())
        screen.put(0, 0, TopTable.summary(rows: all, shown: rows.count, order: view.order, interval: interval, clock: clock))
        screen.put(1, 0, "c cpu  m mem  n net  i name  </> column  Enter detail  / filter  h help  q quit", .dim)
        screen.put(2, 0, table.header(order: view.order), .reverse, fill: true)
        // The sort column's title stands out in the header bar.
        for (column, span) in zip(table.columns, table.spans) where column.key == view.order.key {
            let title = String(table.header(order: view.order).dropFirst(span.start).prefix(max(span.width, column.title.count + 1)))
            screen.put(2, span.start, title, .bold)
        }
        let page = max(screen.lines - Self.headerLines - 1, 1)
        for (offset, row) in rows.dropFirst(top).prefix(page).enumerated() {
            let index = top + offset
            screen.put(Self.headerLines + offset, 0, table.line(row), index == selection ? .reverse : .normal, fill: index == selection)
        }
        if rows.isEmpty {
            let what = all.isEmpty ? "no instances registered (start one: ukfs sim vm1)" : "no instance matches the filter"
            screen.put(Self.headerLines, 0, what, .dim)
        }
        let bottom = screen.lines - 1
        if case .filtering = view.mode {
            screen.put(bottom, 0, "Filter: " + view.order.filter + "_   (Enter keep, Esc clear)", .bold)
        } else if rows.count > page {
            screen.put(bottom, 0, "rows \(top + 1)-\(min(top + page, rows.count)) of \(rows.count)", .dim)
        }
    }

    private func detailView(_ name: String, on screen: TopScreen.Painter) {
        let row = all.first { $0.name == name }
        var title = name + "  " + (row?.state.text ?? "gone")
        if let row, row.state.isAnswering {
            let table = TopTable(rows: [row])
            let cells = zip(
                table.columns.dropFirst().dropLast(), table.line(row).split(separator: " ", omittingEmptySubsequences: true).dropFirst())
            title += "  " + cells.map { "\($0.0.title) \($0.1)" }.joined(separator: "  ")
        }
        screen.put(0, 0, title, .bold)
        screen.put(1, 0, "Esc/q back  arrows PgUp PgDn Home End scroll", .dim)
        screen.put(2, 0, "ENTRY / VALUE / RISE PER SECOND (CPU TIME: % OF A CPU)", .reverse, fill: true)
        guard let detail else {
            screen.put(Self.headerLines, 0, row?.state.isAnswering == false ? "not answering: \(row?.state.text ?? "")" : "reading…", .dim)
            return
        }
        let page = max(screen.lines - Self.headerLines - 1, 1)
        for (offset, line) in detail.dropFirst(view.detailTop).prefix(page).enumerated() {
            screen.put(Self.headerLines + offset, 0, line)
        }
        if detail.count > page {
            screen.put(
                screen.lines - 1, 0, "lines \(view.detailTop + 1)-\(min(view.detailTop + page, detail.count)) of \(detail.count)", .dim)
        }
    }

    static let helpText = [
        "ukfs top: every running unikernel, live",
        "",
        "  c  sort by CPU %            m  sort by memory %        n  sort by network (rx + tx)",
        "  i  sort by name             u  sort by uptime          s  sort by state",
        "  <  >  sort by the column left / right     R  reverse the order (a sort key again does too)",
        "  Enter  the selected instance in detail: every library and object, values, counters per second",
        "  Esc / q  back from the detail view; q quits; Esc clears the filter",
        "  /  filter by name (typed text matches anywhere; Enter keeps it, Esc clears it)",
        "  Up Down PgUp PgDn Home End  move the selection, or scroll the detail view",
        "  h or ?  this help",
        "",
        "  -  the guest does not export what this figure is made of (never shown as 0)",
        "  ..  a rate before its second reading",
        "",
        "Any key goes back.",
    ]

    private func help(on screen: TopScreen.Painter) {
        for (index, line) in Self.helpText.enumerated() { screen.put(index, 0, line, index == 0 ? .bold : .normal) }
    }
}
