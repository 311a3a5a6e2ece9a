import Foundation

/// Everything one run measured, printed as tables and written as JSON.
struct Report: Codable {
    struct Machine: Codable {
        let cpus: Int
        let kernel: String
        let libfuse: String
    }

    /// open + read + close of one file, median over the rounds.
    struct ReaderRow: Codable {
        let name: String
        let path: String
        let oneThread: Double
        let fourThreads: Double
        let failures: Int
    }

    struct WalkFigures: Codable {
        let entries: Int
        let cold: Walk.Result
        let warm: Walk.Result
        /// Warm walk cost per file over ukfs+simulator's single-entry cost (1 thread).
        let ratioToSingle: Double
    }

    struct Target: Codable {
        let figure: String
        let wanted: String
        let measured: String
        /// nil when the figure could not be measured in this run.
        let pass: Bool?
    }

    var date = ""
    var machine = Machine(cpus: 0, kernel: "", libfuse: "")
    var settings = ""
    var readers: [ReaderRow] = []
    var wakeups: [Wakeups.Row] = []
    var walk: WalkFigures?
    var bridge: BridgeThroughput.Figures?
    var liveness: Liveness.Figures?
    var shared: SharedLine.Figures?
    var density: Density.Figures?
    var peakRSSBytes: Int?
    var peakRSSSmallStoreBytes: Int?
    var targets: [Target] = []
    var notes: [String] = []

    func row(_ name: String) -> ReaderRow? { readers.first { $0.name == name } }

    func writeJSON(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
    }
}

extension Report.Machine {
    static func current() -> Report.Machine {
        var names = utsname()
        uname(&names)
        let kernel = withUnsafeBytes(of: &names.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let libfuse =
            (try? Programs.run(["/usr/bin/pkg-config", "--modversion", "fuse3"]))
            .map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) } ?? "unknown"
        return Report.Machine(
            cpus: ProcessInfo.processInfo.activeProcessorCount, kernel: kernel,
            libfuse: libfuse.isEmpty ? "unknown" : libfuse)
    }
}
