import Foundation

/// A long-running command (`ukfs export`, `ukfs sim --listen`) started for a test, its stdout kept
/// in a file the test reads; `stop()` ends it (SIGTERM, then SIGKILL) and reaps it.
final class BackgroundProcess {
    let pid: pid_t
    let outputPath: String

    init(_ arguments: [String], environment: [String: String], outputPath: String) throws {
        self.outputPath = outputPath
        let fd = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        defer { if fd >= 0 { close(fd) } }
        guard fd >= 0, let pid = Shell.spawn(arguments, environment: environment, stdout: fd, stderr: fd) else {
            throw FixtureError("cannot start \(arguments.joined(separator: " "))")
        }
        self.pid = pid
    }

    var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

    /// The first output line starting with `prefix`, without it, once it has appeared.
    func line(startingWith prefix: String, within seconds: Double = 10) -> String? {
        var found: String?
        _ = Shell.eventually(within: seconds) {
            found = output.split(separator: "\n").first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
            return found != nil
        }
        return found
    }

    func stop() {
        Shell.terminate(pid)
    }
}
