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
