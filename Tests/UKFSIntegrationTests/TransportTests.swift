import Foundation
import Testing

/// Every address form and every way a name resolves, through the real commands.
@Suite("Transports and names")
struct TransportTests {
    /// `ukfs sim vm1 --listen …` in the background; its stdout (the addresses it listens on) in a file.
    struct ListeningSimulator {
        let process: BackgroundProcess

        init(_ guest: Instance, listen: [String]) throws {
            let arguments =
                [Paths.ukfs, "sim", "vm1", "--socket", guest.socket, "--log-level", "warning"]
                + listen.flatMap { ["--listen", $0] }
            process = try BackgroundProcess(arguments, environment: guest.environment, outputPath: guest.folder + "/sim.out")
            let process = self.process
            guard Shell.eventually(within: 10, { Self.addresses(in: process.output).count == listen.count }) else {
                process.stop()
                throw FixtureError("ukfs sim did not report its listeners: \(process.output)")
            }
        }

        /// The addresses from its "also listening on ADDRESS" lines.
        var addresses: [String] { Self.addresses(in: process.output) }

        private static func addresses(in text: String) -> [String] {
            let prefix = "ukfs: also listening on "
            return text.split(separator: "\n").compactMap { $0.hasPrefix(prefix) ? String($0.dropFirst(prefix.count)) : nil }
        }

        func stop() { process.stop() }
    }

    @Test("tcp:HOST:PORT: get and a mount reach the simulator over TCP")
    func tcp() throws {
        let guest = try Instance()
        defer { guest.stop() }
        let sim = try ListeningSimulator(guest, listen: ["tcp:127.0.0.1:0"])
        defer { sim.stop() }
        let address = try #require(sim.addresses.first)
        #expect(address.hasPrefix("tcp:127.0.0.1:") && !address.hasSuffix(":0"), "\(address)")
        #expect(guest.ukfs(["get", address, "print/console_lvl"]).stdout == "3\n")
        let mount = guest.ukfs(["mount", address, guest.mountpoint])
        #expect(mount.status == 0, "\(mount)")
        #expect(guest.read(".ukfs/address") == address + "\n")
        #expect(UInt64(guest.read("net/eth0/rx_bytes").dropLast()) != nil)
        #expect(guest.ukfs(["umount", guest.mountpoint]).status == 0)
        let refused = guest.ukfs(["get", "tcp:127.0.0.1:1", "print/console_lvl"])
        #expect(
            refused.status == 1 && refused.stderr == "ukfs: cannot reach tcp:127.0.0.1:1: connection refused — is it running?\n",
            "\(refused)")
    }

    @Test("unix:PATH and fc-vsock:PATH:PORT listeners: served, and their socket files gone once the simulator is stopped")
    func listenerSocketsRemoved() throws {
        let guest = try Instance()
        defer { guest.stop() }
        let plain = guest.folder + "/extra.sock"
        let hybrid = guest.folder + "/extra.vsock"
        let sim = try ListeningSimulator(guest, listen: ["unix:\(plain)", "fc-vsock:\(hybrid):7000"])
        defer { sim.stop() }
        #expect(guest.ukfs(["get", "unix:\(plain)", "print/console_lvl"]).stdout == "3\n")
        #expect(FileManager.default.fileExists(atPath: hybrid))
        sim.stop()
        #expect(
            Shell.eventually(within: 10) {
                !FileManager.default.fileExists(atPath: plain) && !FileManager.default.fileExists(atPath: hybrid)
            }, "a listener's socket outlived the simulator")
    }

    @Test("fc-vsock:PATH:PORT: the Firecracker handshake, then the bridge; a port nobody serves fails in one line")
    func firecracker() throws {
        let guest = try Instance()
        defer { guest.stop() }
        let socket = guest.folder + "/firecracker.vsock"
        let sim = try ListeningSimulator(guest, listen: ["fc-vsock:\(socket):7000"])
        defer { sim.stop() }
        let address = "fc-vsock:\(socket):7000"
        #expect(guest.ukfs(["get", address, "print/console_lvl"]).stdout == "3\n")
        #expect(guest.ukfs(["mount", address, guest.mountpoint]).status == 0)
        #expect(guest.read("print/console_lvl") == "3\n")
        #expect(guest.ukfs(["umount", guest.mountpoint]).status == 0)
        let wrongPort = guest.ukfs(["get", "fc-vsock:\(socket):7001", "print/console_lvl"])
        #expect(
            wrongPort.status == 1 && wrongPort.stderr.split(separator: "\n").count == 1
                && wrongPort.stderr.contains("port 7001"), "\(wrongPort)")
    }

    @Test("vsock:CID:PORT is parsed, and where AF_VSOCK is unusable both sides say so in one line")
    func vsock() throws {
        let guest = try Instance()
        defer { guest.stop() }
        let client = guest.ukfs(["get", "vsock:3:7000", "print/console_lvl"])
        #expect(
            client.status == 1 && client.stderr.hasPrefix("ukfs: cannot reach vsock:3:7000: ")
                && client.stderr.split(separator: "\n").count == 1, "\(client)")
        let server = guest.ukfs(["sim", "vm9", "--listen", "vsock:1:7000"], timeout: 10)
        #expect(
            server.status == 1 && server.stderr.hasPrefix("ukfs: cannot listen on vsock:1:7000: ")
                && server.stderr.contains("vsock"), "\(server)")
    }

    @Test("malformed addresses are refused in one line that shows the right form")
    func malformed() throws {
        let guest = try Instance()
        defer { guest.stop() }
        for text in ["tcp:nohost", "tcp:h:99999", "vsock:x:1", "vsock:3", "fc-vsock:/tmp/s", "fc-vsock:/tmp/s:port", "unix:"] {
            let result = guest.ukfs(["get", text, "print/console_lvl"])
            #expect(
                result.status == 1 && result.stderr.hasPrefix("ukfs: '\(text)' is not a valid address: ")
                    && result.stderr.split(separator: "\n").count == 1, "\(text): \(result)")
        }
    }

    @Test("names not in the registry are asked of KraftKit (kraft ps), by machine name or id")
    func kraftKit() throws {
        let guest = try Instance()
        defer { guest.stop() }
        let id = "3f1c9e2a-7b4d-4e8a-9c21-5d0e6f7a8b9c"
        let runtime = guest.folder + "/kraft-runtime"
        try FileManager.default.createDirectory(atPath: runtime + "/" + id, withIntermediateDirectories: true)
        // A stand-in kraft printing what `kraft ps --long -o json` printed for one QEMU machine.
        let bin = guest.folder + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        let recorded = """
            [{"machine id":"\(id)","name":"web","kernel":"oci://unikraft.org/nginx:1.15","args":"","created":"2 minutes ago","status":"running","mem":"64MiB","ports":"","ip":"","pid":4242,"plat":"qemu","arch":"x86_64"}]
            """
        try "#!/bin/sh\n[ \"$1\" = ps ] || exit 2\ncat <<'JSON'\n\(recorded)\nJSON\n".write(
            toFile: bin + "/kraft", atomically: true, encoding: .utf8)
        chmod(bin + "/kraft", 0o755)
        guard
            let pid = Shell.spawn(
                [Paths.ukfs, "sim", "web", "--socket", runtime + "/" + id + "/ukfs.sock"],
                environment: guest.environment)
        else {
            Issue.record("cannot start ukfs sim")
            return
        }
        defer { kill(pid, SIGTERM); var status: Int32 = 0; waitpid(pid, &status, 0) }
        #expect(Shell.eventually(within: 10) { FileManager.default.fileExists(atPath: runtime + "/" + id + "/ukfs.sock") })
        let environment = guest.environment.merging([
            "PATH": bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
            "UKFS_KRAFT_RUNTIME_DIR": runtime,
        ]) { $1 }
        let byName = Shell.run([Paths.ukfs, "get", "web", "print/console_lvl"], environment: environment)
        #expect(byName.status == 0 && byName.stdout == "3\n", "\(byName)")
        let byID = Shell.run([Paths.ukfs, "get", id, "print/console_lvl"], environment: environment)
        #expect(byID.status == 0 && byID.stdout == "3\n", "\(byID)")
        let unknown = Shell.run([Paths.ukfs, "get", "db", "print/console_lvl"], environment: environment)
        #expect(
            unknown.status == 1 && unknown.stderr.contains("no socket at \(guest.registry)/db.sock")
                && unknown.stderr.contains("`kraft ps` lists no machine named or with id 'db'")
                && unknown.stderr.split(separator: "\n").count == 1, "\(unknown)")
        let noKraft = Shell.run(
            [Paths.ukfs, "get", "web", "print/console_lvl"],
            environment: environment.merging(["PATH": "/usr/bin:/bin"]) { $1 })
        #expect(noKraft.status == 1 && noKraft.stderr.contains("kraft is not on PATH"), "\(noKraft)")
    }
}
