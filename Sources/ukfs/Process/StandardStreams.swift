import Foundation
import UKBridge

/// Writes to stdout and stderr with write(2), which reports its errors: FileHandle.write(Data)
/// traps on EPIPE, and `ukfs dump | head -1` must end quietly.
enum StandardStreams {
    /// All of `bytes` to `fd`; the errno of the failure, or nil.
    static func write(_ fd: Int32, _ bytes: [UInt8]) -> Int32? {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += written
        }
        return nil
    }

    /// Output for the user: a reader that went away (EPIPE) ends the command as SIGPIPE would,
    /// quietly; any other failure is said on stderr, exit 1.
    static func out(_ text: String) {
        guard let failure = write(STDOUT_FILENO, Array(text.utf8)) else { return }
        if failure == EPIPE { Termination.end(by: SIGPIPE) }
        err("ukfs: cannot write the output: \(String(cString: strerror(failure)))\n")
        exit(1)
    }

    /// Diagnostics: best effort, since there is nowhere left to report their own failure.
    static func err(_ text: String) {
        _ = write(STDERR_FILENO, Array(text.utf8))
    }
}

/// What the scripting commands print: written in one piece, unbuffered, so a reader sees whole lines.
enum Output {
    static func lines(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        StandardStreams.out(lines.joined(separator: "\n") + "\n")
    }

    static func text(_ value: Value) -> String {
        String(decoding: value.text, as: UTF8.self)
    }
}

/// Lines for the user on stdout, written at once (not buffered), since scripts and tests wait for them.
enum Console {
    static func say(_ text: String) {
        StandardStreams.out(text + "\n")
    }
}
