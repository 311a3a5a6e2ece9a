import Foundation

/// The side-by-side reader measurements: every target's file, 1 and 4 threads, in interleaved
/// rounds so that the machine's drift (2 shared vCPUs) falls on all of them alike; medians kept.
struct ReaderSuite {
    struct Subject {
        let name: String
        /// The 1-thread loop reads the first; 4 threads read them in turn (one each for 4 paths).
        let paths: [String]
        var path: String { paths[0] }

        init(name: String, path: String) { self.init(name: name, paths: [path]) }
        init(name: String, paths: [String]) {
            self.name = name
            self.paths = paths
        }
    }

    let subjects: [Subject]
    let budget: ReaderLoop.Budget
    let rounds: Int
    let warmUp: Int

    func run(progress: (String) -> Void) -> [Report.ReaderRow] {
        var one: [String: [Double]] = [:]
        var four: [String: [Double]] = [:]
        var failures: [String: Int] = [:]
        for subject in subjects {
            _ = ReaderLoop.measure(subject.paths, threads: 1, budget: .operations(warmUp))
        }
        for round in 1...rounds {
            for subject in subjects {
                for threads in [1, 4] {
                    let result = ReaderLoop.measure(subject.paths, threads: threads, budget: budget)
                    if threads == 1 {
                        one[subject.name, default: []].append(result.perSecond)
                    } else {
                        four[subject.name, default: []].append(result.perSecond)
                    }
                    failures[subject.name, default: 0] += result.failures
                    progress(
                        String(
                            format: "round %d/%d  %@, %d thread(s): %.0f ops/s", round, rounds,
                            subject.name, threads, result.perSecond))
                }
            }
        }
        return subjects.map { subject in
            Report.ReaderRow(
                name: subject.name, path: subject.path, oneThread: Self.median(one[subject.name] ?? []),
                fourThreads: Self.median(four[subject.name] ?? []), failures: failures[subject.name] ?? 0)
        }
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
