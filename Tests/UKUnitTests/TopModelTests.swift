import Testing
import UKBridge
import UKTop

/// `ukfs top`'s data side without a terminal or a guest: figures and rates from readings, what a
/// guest lacks, sorting, filtering, the table batch mode prints and the JSON it writes.
@Suite("ukfs top: figures, rates, order, table")
struct TopModelTests {
    static func item(_ path: String, _ value: UInt64) -> Reading.Item {
        let parts = path.split(separator: "/").map(String.init)
        return Reading.Item(
            library: parts[0], object: parts.count == 3 ? parts[1] : nil, name: parts[parts.count - 1],
            value: .unsigned(.u64, value))
    }

    /// A reading of a full simulated store at `seconds`, with counters rising at known rates.
    static func full(at seconds: UInt64, boot: UInt64 = 7) -> Reading {
        let t = seconds
        return Reading(
            time: t * 1_000_000_000, bootID: boot,
            items: [
                item("libukalloc/cur_mem_free", 192 << 20),
                Reading.Item(library: "libukalloc", object: nil, name: "cur_mem_use", value: .signed(.s64, 64 << 20)),
                item("libuknetdev/netdev0/rx_bytes", 1000 * t), item("libuknetdev/netdev0/tx_bytes", 100 * t),
                item("libuknetdev/netdev1/rx_bytes", 3000 * t), item("libuknetdev/netdev1/tx_bytes", 0),
                // cpu0 busy a quarter of the time, cpu1 half.
                item("libuksched/cpu0/cpu_time_total", t * 1_000_000_000), item("libuksched/cpu0/cpu_time_idle", t * 750_000_000),
                item("libuksched/cpu1/cpu_time_total", t * 1_000_000_000), item("libuksched/cpu1/cpu_time_idle", t * 500_000_000),
                item("appsim/uptime_ms", t * 1000),
            ])
    }

    @Test("rates between two readings: CPU summed over CPUs, rx/tx over NICs; memory from libukalloc")
    func figures() {
        let first = Figures(Self.full(at: 10), previous: nil)
        #expect(first.cpuPercent == .pending && first.rxPerSecond == .pending, "a rate needs two readings")
        #expect(
            first.memoryUsed == .value(Double(64 << 20)) && first.memoryTotal == .value(Double(256 << 20))
                && first.memoryPercent == .value(25))
        #expect(first.uptimeSeconds == .value(10))
        let second = Figures(Self.full(at: 12), previous: Self.full(at: 10))
        #expect(second.cpuPercent == .value(75))
        #expect(second.rxPerSecond == .value(4000) && second.txPerSecond == .value(100))
        #expect(second.networkPerSecond == .value(4100))
    }

    @Test("another boot, or a counter that fell, gives no rate rather than a wrong one")
    func restarts() {
        #expect(Figures(Self.full(at: 12, boot: 8), previous: Self.full(at: 10)).rxPerSecond == .pending)
        #expect(Figures(Self.full(at: 10), previous: Self.full(at: 12)).cpuPercent == .pending)
    }

    @Test("a 0.17 guest (libukalloc with cur_mem_free only, libuknetdev): the rest is lacking, shown -, JSON null")
    func lacking() {
        func reading(_ t: UInt64) -> Reading {
            Reading(
                time: t * 1_000_000_000, bootID: 1,
                items: [Self.item("libukalloc/cur_mem_free", 1 << 20), Self.item("libuknetdev/netdev0/rx_bytes", 500 * t)])
        }
        let figures = Figures(reading(2), previous: reading(1))
        #expect(figures.rxPerSecond == .value(500) && figures.txPerSecond == .lacking)
        #expect(figures.cpuPercent == .lacking && figures.uptimeSeconds == .lacking && figures.memoryUsed == .lacking)
        let row = InstanceRow(name: "old", state: .connected(shared: false), figures: figures)
        let line = TopTable(rows: [row]).line(row)
        #expect(line.split(separator: " ") == ["old", "-", "-", "-", "-", "-", "500B", "-", "connected"], "\(line)")
        let json = TopJSON.frame(rows: [row], order: RowOrder(), time: 0)
        #expect(json.contains("\"cpu_percent\":null") && json.contains("\"rx_bytes_per_second\":500.0"), "\(json)")
        #expect(!json.contains("\"cpu_percent\":0"))
    }

    @Test("memory from libukfalloc when libukalloc has no cur_mem_use")
    func frameAllocator() {
        let reading = Reading(
            time: 1, bootID: 1,
            items: [Self.item("libukfalloc/total_memory_global", 1000), Self.item("libukfalloc/free_memory_global", 250)])
        let figures = Figures(reading, previous: nil)
        #expect(figures.memoryUsed == .value(750) && figures.memoryTotal == .value(1000) && figures.memoryPercent == .value(75))
    }

    static func row(_ name: String, cpu: Double?, answering: Bool = true) -> InstanceRow {
        var figures = Figures()
        figures.cpuPercent = Figure(cpu)
        return InstanceRow(name: name, state: answering ? .connected(shared: false) : .disconnected("connection refused"), figures: figures)
    }

    @Test("sorting: biggest first, the same key again reverses, rows without the figure always last; filter by name")
    func order() {
        let rows = [
            Self.row("b", cpu: 5), Self.row("a", cpu: 50), Self.row("c", cpu: nil), Self.row("d", cpu: 20, answering: false),
        ]
        var order = RowOrder(key: .cpu)
        #expect(order.apply(rows).map(\.name) == ["a", "b", "c", "d"])
        order.sort(by: .cpu)
        #expect(order.apply(rows).map(\.name) == ["b", "a", "c", "d"], "ascending, still without figure last")
        order.sort(by: .name)
        #expect(order.apply(rows).map(\.name) == ["a", "b", "c", "d"] && !order.descending)
        order.filter = "B"
        #expect(order.apply(rows).map(\.name) == ["b"])
        #expect(SortKey.cpu.stepped(by: 1) == .memory && SortKey.name.stepped(by: -1) == .name)
    }

    @Test("keys: sort, selection follows the instance, Enter opens its detail, Esc and q go back, / filters")
    func keys() {
        let rows = [Self.row("a", cpu: 50), Self.row("b", cpu: 5), Self.row("c", cpu: 1)]
        var view = ViewState()
        view.handle(.down, rows: rows, page: 10)
        #expect(view.selected == "b")
        view.handle(.character("i"), rows: rows, page: 10)
        #expect(view.order.key == .name)
        view.handle(.enter, rows: rows, page: 10)
        #expect(view.mode == .detail("b"))
        view.handle(.pageDown, rows: rows, page: 10, detailLines: 25)
        #expect(view.detailTop == 10)
        view.handle(.end, rows: rows, page: 10, detailLines: 25)
        #expect(view.detailTop == 15)
        view.handle(.character("q"), rows: rows, page: 10)
        #expect(view.mode == .main && !view.quit)
        view.handle(.character("/"), rows: rows, page: 10)
        for character in "c" { view.handle(.character(character), rows: rows, page: 10) }
        view.handle(.enter, rows: rows, page: 10)
        #expect(view.mode == .main && view.order.filter == "c")
        view.handle(.escape, rows: rows, page: 10)
        #expect(view.order.filter == "")
        view.handle(.character("h"), rows: rows, page: 10)
        #expect(view.mode == .help)
        view.handle(.character("x"), rows: rows, page: 10)
        view.handle(.character("q"), rows: rows, page: 10)
        #expect(view.quit)
    }

    @Test("scrolling keeps the selection on screen")
    func scrolling() {
        let rows = (0..<100).map {
            Self.row("vm" + String(repeating: "0", count: 3 - String($0).count) + String($0), cpu: Double(100 - $0))
        }
        var view = ViewState()
        view.handle(.pageDown, rows: rows, page: 20)
        view.handle(.pageDown, rows: rows, page: 20)
        #expect(view.selected == "vm040")
        #expect(view.scroll(rows: rows.count, page: 20, selection: view.selectedIndex(in: rows)) == 21)
        view.handle(.home, rows: rows, page: 20)
        #expect(view.scroll(rows: rows.count, page: 20, selection: view.selectedIndex(in: rows)) == 0)
    }

    @Test("figure text: bytes, percent, durations, fixed decimals without a locale")
    func text() {
        #expect(FigureText.bytes(900) == "900B" && FigureText.bytes(12_600) == "12K" && FigureText.bytes(1_500_000) == "1.4M")
        #expect(FigureText.duration(59) == "59s" && FigureText.duration(754) == "12:34" && FigureText.duration(11045) == "3:04:05")
        #expect(FigureText.duration(86400 * 12 + 3 * 3600) == "12d03h")
        #expect(FigureText.fixed(2.05, 1) == "2.1" || FigureText.fixed(2.05, 1) == "2.0")
        #expect(FigureText.fixed(-0.04, 1) == "0.0" && FigureText.fixed(7, 2) == "7.00")
    }

    @Test("a guest's text cannot reach the terminal as an escape sequence")
    func controlCharacters() {
        let reading = Reading(
            time: 1, bootID: 1,
            items: [Reading.Item(library: "app", object: nil, name: "motd", value: .charp(Array("\u{1b}[2Jhi\nthere".utf8)))])
        let lines = DetailView.lines(reading, previous: nil)
        #expect(lines.count == 2 && lines[1].hasSuffix("?[2Jhi?there"), "\(lines)")
        #expect(!lines.joined().unicodeScalars.contains { $0.value < 0x20 })
    }

    @Test("the detail view: every entry under its library and object, counters per second")
    func detail() {
        let lines = DetailView.lines(Self.full(at: 12), previous: Self.full(at: 10))
        #expect(lines.first == "libukalloc")
        #expect(lines.contains("  netdev1"))
        let rx = lines.first { $0.hasPrefix("    rx_bytes") && $0.contains("36000") }
        #expect(rx?.hasSuffix("2.9K/s") == true, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("  cur_mem_free") && !$0.hasSuffix("/s") })
    }
}
