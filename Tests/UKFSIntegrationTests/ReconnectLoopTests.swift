import Foundation
import Testing

/// A guest line that accepts connections but never completes the handshake (a QEMU chardev whose
/// agent hung) must cost one reconnect loop, not one more per failed attempt.
@Suite("Reconnecting to a silent guest")
struct ReconnectLoopTests {
    /// The attempt number in `disconnected: …, retrying in 0.4 s (attempt 3)`, nil in other states.
    static func attempt(in state: String) -> Int? {
        guard let open = state.range(of: "(attempt ", options: .backwards),
            let close = state[open.upperBound...].firstIndex(of: ")")
        else { return nil }
        return Int(state[open.upperBound..<close])
    }

    @Test("failed handshakes do not multiply the reconnect loops")
    func oneLoop() throws {
        let guest = try Instance()
        defer { guest.stop() }
        // Accepts and holds connections, never answers; ends with the test process (its parent),
        // or when the test kills it.
        let acceptor = Shell.spawn([
            "/usr/bin/python3", "-c",
            """
            import os, socket
            parent = os.getppid()
            s = socket.socket(socket.AF_UNIX); s.bind("\(guest.socket)"); s.listen(100); s.settimeout(0.5)
            held = []
            while os.getppid() == parent:
                try:
                    c, _ = s.accept(); held.append(c)
                    if len(held) > 5: held.pop(0).close()
                except socket.timeout:
                    pass
            """,
        ])
        defer { if let acceptor { kill(acceptor, SIGKILL); var status: Int32 = 0; waitpid(acceptor, &status, 0) } }
        #expect(Shell.eventually(within: 10) { FileManager.default.fileExists(atPath: guest.socket) })
        try guest.mountOnly(options: ["-o", "wait,timeout=0.3"])
        // Each failed handshake is one chance for a second loop to start; after four of them, one
        // loop is all there may be.
        var state = ""
        let failedFour = Shell.eventually(within: 60) {
            state = guest.read(".ukfs/state")
            return (Self.attempt(in: state) ?? 0) >= 4
        }
        #expect(failedFour, "never reached a fourth failed attempt: \(state)")
        #expect(guest.read(".ukfs/reconnects") == "1\n")
        // The last connect error, not just that it is reconnecting.
        #expect(state.hasPrefix("disconnected: accepted the connection but never completed the ukfs handshake, retrying in "), "\(state)")
    }
}
