import Foundation
import UKTop

/// `ukfs top -b` and `--json`: a frame per refresh on stdout, plain text, never an escape sequence.
struct TopBatch {
    let source: TopSource
    let interval: Double
    let order: RowOrder
    let iterations: Int?
    let json: Bool

    func run() async {
        var printed = 0
        var next = ContinuousClock.now
        while iterations.map({ printed < $0 }) ?? true {
            let refresh = await source.refresh(shows: { [order] in order.shows($0) }, within: Self.budget(interval))
            let now = Date()
            if json {
                Console.say(
                    TopJSON.frame(rows: refresh.rows, order: order, time: now.timeIntervalSince1970, took: Double(refresh.took) / 1e9))
            } else {
                let lines = TopTable.frame(rows: refresh.rows, order: order, interval: interval, clock: Self.clock(now))
                // A blank line after each frame, as top -b separates its own.
                StandardStreams.out(lines.joined(separator: "\n") + "\n\n")
            }
            printed += 1
            guard iterations.map({ printed < $0 }) ?? true else { break }
            next = next + .milliseconds(Int64(interval * 1000))
            if next < .now { next = .now }
            try? await Task.sleep(until: next, clock: .continuous)
        }
    }

    /// How long a refresh waits for each instance: most of the interval, so frames keep their pace
    /// whatever one guest does.
    static func budget(_ interval: Double) -> Duration {
        .milliseconds(Int64(max(interval * 0.8, 0.1) * 1000))
    }

    /// The wall-clock time of a frame, `HH:MM:SS` local, as top's first line.
    static func clock(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970)
        var parts = tm()
        localtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return two(parts.tm_hour) + ":" + two(parts.tm_min) + ":" + two(parts.tm_sec)
    }
}
