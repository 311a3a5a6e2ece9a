import Foundation
import UKTop

/// The interface thread's loop: wait, take keys, draw, until `q` (or -n refreshes).
struct InterfaceLoop {
    let screen: TopScreen
    let feed: TopFeed
    var view: ViewState
    let interval: Double
    let iterations: Int?
    private var ordered: [InstanceRow] = []
    private var orderedFrom = (count: -1, order: RowOrder())

    init(screen: TopScreen, feed: TopFeed, view: ViewState, interval: Double, iterations: Int?) {
        self.screen = screen
        self.feed = feed
        self.view = view
        self.interval = interval
        self.iterations = iterations
    }

    mutating func run() {
        draw()
        while !view.quit {
            var fds = [
                pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                pollfd(fd: feed.wake[0], events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, 2, 250)
            if ready < 0 && errno != EINTR { break }
            if fds[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 {
                // The terminal is gone (its window closed, ssh dropped): give it back and end.
                screen.restore()
                Termination.end(by: SIGHUP)
            }
            feed.drainWake()
            let (rows, page, detailLines) = current()
            for key in screen.keys() {
                view.handle(key, rows: rows, page: page, detailLines: detailLines)
                if view.quit { return }
            }
            var wanted = feed.wanted
            wanted.order = view.order
            if case .detail(let name) = view.mode { wanted.detail = name } else { wanted.detail = nil }
            feed.wanted = wanted
            if let iterations, feed.latest.count >= iterations {
                draw()
                return
            }
            draw()
        }
    }

    /// The rows in the view's order (sorted again only when a refresh or the order changed),
    /// the rows (or detail lines) a page holds, and the detail's length.
    private mutating func current() -> ([InstanceRow], Int, Int) {
        let latest = feed.latest
        if latest.count != orderedFrom.count || view.order != orderedFrom.order {
            ordered = view.order.apply(latest.refresh?.rows ?? [])
            orderedFrom = (latest.count, view.order)
        }
        let page = max(screen.size.lines - TopPainter.headerLines - 1, 1)
        return (ordered, page, latest.refresh?.detail?.count ?? 0)
    }

    private mutating func draw() {
        let (rows, page, _) = current()
        let latest = feed.latest
        let selection = view.selectedIndex(in: rows)
        let top = view.scroll(rows: rows.count, page: page, selection: selection)
        let painter = TopPainter(
            view: view, interval: interval, all: latest.refresh?.rows ?? [], rows: rows, detail: latest.refresh?.detail)
        screen.drawing { screen in
            painter.paint(on: screen, top: top, selection: selection)
        }
    }
}
