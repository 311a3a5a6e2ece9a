import Foundation

/// A real terminal for full-screen tests: a tmux server of the test's own (its own socket, no
/// configuration) running bash in one pane of a given size; keys go in with `send-keys`, what a
/// user would see comes out with `capture-pane`. `stop()` kills the server and all it runs.
final class TerminalSession: @unchecked Sendable {
    // @unchecked: used from one test at a time.
    let socket: String
    let folder: String

    init(folder: String, columns: Int = 120, lines: Int = 30, environment: [String: String]) throws {
        self.folder = folder
        socket = "ukfs-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let exports = environment.map { "export \($0.key)='\($0.value)'" }.joined(separator: "; ")
        // A plain prompt, so the shell's own lines are easy to find after the program ends.
        let rc = folder + "/bashrc"
        try "PS1='ready$ '\n\(exports)\n".write(toFile: rc, atomically: true, encoding: .utf8)
        let started = tmux(["new-session", "-d", "-s", "t", "-x", String(columns), "-y", String(lines), "bash --rcfile \(rc) -i"])
        guard started.status == 0 else { throw FixtureError("tmux new-session failed: \(started)") }
        guard Shell.eventually(within: 10, { self.screen.contains("ready$") }) else {
            stop()
            throw FixtureError("the shell in tmux never showed its prompt: \(screen)")
        }
    }

    @discardableResult
    func tmux(_ arguments: [String]) -> Shell.Output {
        Shell.run(["/usr/bin/tmux", "-L", socket, "-f", "/dev/null"] + arguments, timeout: 10)
    }

    /// Types `text` then Enter.
    func type(_ text: String) {
        tmux(["send-keys", "-t", "t", "-l", text])
        tmux(["send-keys", "-t", "t", "Enter"])
    }

    /// Presses keys by tmux's names (`Enter`, `Escape`, `Down`, `NPage`, `C-c`, or a character).
    func press(_ keys: String...) {
        for key in keys { tmux(["send-keys", "-t", "t", key]) }
    }

    /// What the pane shows now, a line per screen line.
    var screen: String { tmux(["capture-pane", "-p", "-t", "t"]).stdout }

    var lines: [String] { screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }

    /// Waits until the screen satisfies `condition`; returns whether it did.
    func waitFor(within seconds: Double = 10, _ condition: (String) -> Bool) -> Bool {
        Shell.eventually(within: seconds) { condition(screen) }
    }

    /// Whether the pane is on the alternate screen, and whether the cursor is shown.
    var modes: (alternate: Bool, cursorVisible: Bool) {
        let words = tmux(["display-message", "-p", "-t", "t", "#{alternate_on} #{cursor_flag}"]).stdout.split(separator: " ")
        return (words.first == "1", words.dropFirst().first?.hasPrefix("1") == true)
    }

    func resize(columns: Int, lines: Int) {
        tmux(["resize-window", "-t", "t", "-x", String(columns), "-y", String(lines)])
    }

    func stop() {
        tmux(["kill-server"])
    }
}
