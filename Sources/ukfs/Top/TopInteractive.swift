import Foundation
import UKTop

/// The full screen: a refreshing task reads the instances every interval (at once when the view
/// wants something else), and one interface thread owns the terminal — it waits in poll() on the
/// terminal and the feed's pipe, applies keys, and draws. A terminal that hangs up ends the
/// command as SIGHUP would, after giving the terminal back.
struct TopInteractive {
    let source: TopSource
    let interval: Double
    let order: RowOrder
    let iterations: Int?

    func run() async throws {
        let screen = try TopScreen()
        let feed: TopFeed
        do { feed = try TopFeed(order: order) } catch {
            screen.restore()
            throw error
        }
        let (interval, iterations, order) = (self.interval, self.iterations, self.order)
        async let interface: Void = withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                var loop = InterfaceLoop(
                    screen: screen, feed: feed, view: ViewState(order: order), interval: interval, iterations: iterations)
                loop.run()
                screen.restore()
                feed.finish()
                done.resume()
            }
            thread.name = "ukfs-top-screen"
            thread.start()
        }
        var next = ContinuousClock.now
        while !feed.isFinished {
            let wanted = feed.wanted
            let refresh = await source.refresh(
                shows: { wanted.order.shows($0) }, detail: wanted.detail, within: TopBatch.budget(interval))
            feed.publish(refresh)
            next = max(next + .milliseconds(Int64(interval * 1000)), .now)
            // Sleeps in short steps, so a key that changes what is read (Enter, a filter) or `q`
            // is served within 50 ms rather than at the next tick.
            while ContinuousClock.now < next && !feed.isFinished && !feed.takeNudge() {
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        await interface
    }
}

/// The interface thread's loop: wait, take keys, draw, until `q` (or -n refreshes).
private struct InterfaceLoop {
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
