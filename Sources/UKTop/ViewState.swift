/// What the full screen shows and where: the main view, one instance's detail, the help, or the
/// filter being typed; the order, the selection (followed by name, as htop follows a process
/// through re-sorting) and the scroll positions. Keys change it; drawing only reads it.
public struct ViewState: Sendable, Equatable {
    public enum Mode: Sendable, Equatable {
        case main
        /// One instance, every library and object.
        case detail(String)
        case help
        /// The filter being typed: applied as it is typed; Enter keeps it, Esc clears it.
        case filtering
    }

    public var mode: Mode = .main
    public var order: RowOrder
    /// The selected instance's name.
    public var selected: String?
    /// The first row (main) and line (detail) on screen.
    public var top = 0
    public var detailTop = 0
    public var quit = false

    public init(order: RowOrder = RowOrder()) {
        self.order = order
    }

    /// Applies `key`. `rows`: the main view's rows in their order; `page`: rows (or detail lines)
    /// that fit on screen; `detailLines`: how many lines the detail view has.
    public mutating func handle(_ key: TopKey, rows: [InstanceRow], page: Int, detailLines: Int = 0) {
        let page = max(page, 1)
        switch mode {
        case .help:
            mode = .main
        case .filtering:
            switch key {
            case .enter: mode = .main
            case .escape:
                order.filter = ""
                mode = .main
            case .backspace: if !order.filter.isEmpty { order.filter.removeLast() }
            case .character(let character) where character.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7f }):
                if order.filter.count < 64 { order.filter.append(character) }
            default: break
            }
            top = 0
        case .detail:
            switch key {
            case .escape, .character("q"), .character("h"), .backspace: mode = .main
            case .up: detailTop -= 1
            case .down: detailTop += 1
            case .pageUp: detailTop -= page
            case .pageDown, .character(" "): detailTop += page
            case .home: detailTop = 0
            case .end: detailTop = detailLines - page
            default: break
            }
            detailTop = min(max(detailTop, 0), max(detailLines - page, 0))
        case .main:
            handleMain(key, rows: rows, page: page)
        }
    }

    private mutating func handleMain(_ key: TopKey, rows: [InstanceRow], page: Int) {
        // Only a movement key moves the selection; any other key leaves it on its instance.
        let at = selectedIndex(in: rows) ?? 0
        var index: Int?
        switch key {
        case .character("q"): quit = true
        case .escape: order.filter = ""
        case .character("c"), .character("P"): order.sort(by: .cpu)
        case .character("m"), .character("M"): order.sort(by: .memoryPercent)
        case .character("n"), .character("N"): order.sort(by: .network)
        case .character("i"): order.sort(by: .name)
        case .character("u"): order.sort(by: .uptime)
        case .character("s"): order.sort(by: .state)
        case .character("R"), .character("r"): order.descending.toggle()
        case .character("<"), .character(","): order.key = order.key.stepped(by: -1)
        case .character(">"), .character("."): order.key = order.key.stepped(by: 1)
        case .character("/"):
            mode = .filtering
            top = 0
        case .character("h"), .character("?"): mode = .help
        case .enter:
            if rows.indices.contains(at) {
                mode = .detail(rows[at].name)
                detailTop = 0
            }
        case .up: index = at - 1
        case .down: index = at + 1
        case .pageUp: index = at - page
        case .pageDown: index = at + page
        case .home: index = 0
        case .end: index = rows.count - 1
        default: break
        }
        if let moved = index, !rows.isEmpty {
            let clamped = min(max(moved, 0), rows.count - 1)
            selected = rows[clamped].name
        }
    }

    /// Where the selection is in `rows` (the first row when it is gone or none was chosen).
    public func selectedIndex(in rows: [InstanceRow]) -> Int? {
        guard !rows.isEmpty else { return nil }
        return selected.flatMap { name in rows.firstIndex { $0.name == name } } ?? 0
    }

    /// The first row to draw so that the selection is on screen, scrolling as little as possible.
    public mutating func scroll(rows: Int, page: Int, selection: Int?) -> Int {
        let page = max(page, 1)
        if let selection {
            if selection < top { top = selection }
            if selection >= top + page { top = selection - page + 1 }
        }
        top = min(max(top, 0), max(rows - page, 0))
        return top
    }
}
