import CNcurses
import Foundation
import Synchronization
import UKTop

/// The terminal through ncurses: started once, drawn only from the interface thread, and always
/// given back as it was found (cooked mode, echo, the cursor visible, the main screen) — by `q`,
/// by a signal (Ctrl-C, SIGTERM, SIGHUP) through `Termination`, or when the terminal is lost.
/// A lock makes a signal's restore wait for a draw in progress rather than cut it in half.
final class TopScreen: Sendable {
    private let state = Mutex<Bool>(false)   // whether ncurses holds the terminal

    enum Attribute { case normal, bold, reverse, dim }

    /// Takes the terminal; fails in one line when the terminal cannot be used (TERM unknown).
    init() throws {
        setlocale(LC_CTYPE, "")
        let started = try state.withLock { active -> Bool in
            guard let output = fdopen(dup(STDOUT_FILENO), "w"), let input = fdopen(dup(STDIN_FILENO), "r"),
                newterm(nil, output, input) != nil
            else {
                let term = ProcessInfo.processInfo.environment["TERM"] ?? "(unset)"
                throw CLIError("cannot use this terminal (TERM=\(term)) — set TERM to your terminal's type, or use ukfs top -b")
            }
            cbreak()
            noecho()
            nonl()
            let screen = ukfs_curses_screen()
            keypad(screen, true)
            nodelay(screen, true)
            set_escdelay(25)
            curs_set(0)
            active = true
            return true
        }
        if started {
            Termination.releasing { [self] in restore() }
        }
    }

    /// Gives the terminal back; safe to call from any thread, any number of times.
    func restore() {
        state.withLock { active in
            guard active else { return }
            active = false
            curs_set(1)
            endwin()
        }
    }

    /// Runs `body` with the terminal held; nothing when it was given back already.
    func drawing(_ body: (Painter) -> Void) {
        state.withLock { active in
            guard active else { return }
            werase(ukfs_curses_screen())
            body(Painter())
            wrefresh(ukfs_curses_screen())
        }
    }

    /// Keys waiting, mapped; resizes are noticed by ncurses here too.
    func keys() -> [TopKey] {
        state.withLock { active in
            guard active else { return [] }
            var keys: [TopKey] = []
            while keys.count < 64 {
                let code = wgetch(ukfs_curses_screen())
                if code == ERR { break }
                if let key = Self.key(code) { keys.append(key) }
            }
            return keys
        }
    }

    var size: (lines: Int, columns: Int) {
        state.withLock { _ in (Int(ukfs_curses_lines()), Int(ukfs_curses_columns())) }
    }

    static func key(_ code: Int32) -> TopKey? {
        switch code {
        case KEY_UP: .up
        case KEY_DOWN: .down
        case KEY_PPAGE: .pageUp
        case KEY_NPAGE: .pageDown
        case KEY_HOME: .home
        case KEY_END: .end
        case KEY_ENTER, 10, 13: .enter
        case KEY_BACKSPACE, 127, 8: .backspace
        case 27: .escape
        case 0x20..<0x7f: UnicodeScalar(UInt32(code)).map { .character(Character($0)) }
        default: nil
        }
    }

    /// Draws on the held screen.
    struct Painter {
        var lines: Int { Int(ukfs_curses_lines()) }
        var columns: Int { Int(ukfs_curses_columns()) }

        /// `text` at line `y`, column `x`, cut at the screen's edge; `fill` pads it to the edge
        /// (for a highlighted bar).
        func put(_ y: Int, _ x: Int = 0, _ text: String, _ attribute: Attribute = .normal, fill: Bool = false) {
            guard y >= 0, y < lines, x < columns else { return }
            let room = columns - x
            var shown = String(text.prefix(room))
            if fill && shown.count < room { shown += String(repeating: " ", count: room - shown.count) }
            let screen = ukfs_curses_screen()
            let code: Int32 =
                switch attribute {
                case .normal: 0
                case .bold: ukfs_curses_bold()
                case .reverse: ukfs_curses_reverse()
                case .dim: ukfs_curses_dim()
                }
            if code != 0 { wattron(screen, code) }
            // The last cell of the last line would scroll the screen: leave it.
            let cut = y == lines - 1 && shown.count >= room ? String(shown.prefix(room - 1)) : shown
            mvwaddstr(screen, Int32(y), Int32(x), cut)
            if code != 0 { wattroff(screen, code) }
        }
    }
}
