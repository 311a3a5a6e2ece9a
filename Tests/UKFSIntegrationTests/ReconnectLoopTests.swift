import Foundation
import Testing

/// A guest line that accepts connections but never completes the handshake (a QEMU chardev whose
/// agent hung) must cost one reconnect loop, not one more per failed attempt.
@Suite("Reconnecting to a silent guest")
struct ReconnectLoopTests {
    @Test("failed handshakes do not multiply the reconnect loops")
    func oneLoop() throws {
        let guest = try Instance()
        defer { guest.stop() }
        let log = guest.folder + "/server.log"
        // Accepts and holds connections, never answers; ends by itself.
        let acceptor = Shell.spawn(["/usr/bin/python3", "-c", """
            import socket, time
            s = socket.socket(socket.AF_UNIX); s.bind("\(guest.socket)"); s.listen(100); s.settimeout(0.5)
            held = []; start = time.time()
            while time.time() - start < 15:
                try:
                    c, _ = s.accept(); held.append(c)
                    if len(held) > 5: held.pop(0).close()
                except socket.timeout:
                    pass
            """])
        defer { if let acceptor { kill(acceptor, SIGKILL); var status: Int32 = 0; waitpid(acceptor, &status, 0) } }
        #expect(Shell.eventually(within: 5) { FileManager.default.fileExists(atPath: guest.socket) })
        try guest.mountOnly(options: ["-o", "wait,timeout=0.3,log=\(log)", "--log-level", "info"])
        usleep(3_000_000)
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        let loops = text.components(separatedBy: "reconnect failed").count - 1
        #expect(loops == 1, "reconnect loops started: \(loops)")
        // The last connect error, not just that it is reconnecting.
        let state = guest.read(".ukfs/state")
        #expect(state.hasPrefix("disconnected: accepted the connection but never completed the ukfs handshake, retrying in "), "\(state)")
    }
}
