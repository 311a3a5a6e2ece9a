import Foundation
import Testing

/// `-o wait` and `mount --all` before anything answers: one line on a terminal while waiting, one
/// once mounted, nothing when not on a terminal; `.ukfs/state` says the last connect error.
@Suite("Waiting for instances")
struct WaitingTests {
    /// Runs `ukfs ARGUMENTS` on a terminal of its own (util-linux `script` gives it a pty); its lines, without CRs.
    static func onTerminal(_ guest: Instance, _ arguments: [String]) -> (status: Int32, lines: [String]) {
        let command = ([Paths.ukfs] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let result = Shell.run(["/usr/bin/script", "-qec", command, "/dev/null"], environment: guest.environment, timeout: 30)
        let lines = result.stdout.replacingOccurrences(of: "\r", with: "").split(separator: "\n").map(String.init)
        return (result.status, lines)
    }

    @Test("ukfs mount vm9 -o wait before ukfs sim vm9: one waiting line, then values within 2 s of the socket")
    func waitByName() throws {
        let guest = try Instance(name: "vm9")
        defer { guest.stop() }
        let mount = Self.onTerminal(guest, ["mount", "vm9", guest.mountpoint, "-o", "wait"])
        guest.mounted = mount.status == 0
        #expect(mount.status == 0, "\(mount)")
        #expect(
            mount.lines == [
                "ukfs: waiting for vm9 at \(guest.socket) (no such socket)",
                "ukfs: mounted vm9 at \(guest.mountpoint); it connects when the instance answers",
            ], "\(mount)")
        #expect(guest.read(".ukfs/state").hasPrefix("disconnected: no such socket"))
        try guest.startGuest()   // returns once the simulator's socket exists
        // Not a speed test: the bound is the acceptance's own, and a backoff of up to 5 s would miss it.
        #expect(
            Shell.eventually(within: 2) { UInt64(guest.read("net/eth0/rx_bytes").dropLast()) != nil },
            "\(guest.read(".ukfs/state"))")
        #expect(guest.read(".ukfs/state") == "connected\n")
    }

    @Test("-o wait before sim --one-client exists: the mount holds and shares the line, also after the guest restarts")
    func waitingMountShares() throws {
        let guest = try Instance(name: "vm9")
        defer { guest.stop() }
        // As the systemd unit does: mounted by name before the instance has created its socket.
        try guest.mountOnly(options: ["-o", "wait"])
        for round in ["first start", "after a restart"] {
            try guest.startGuest()   // ukfs sim vm9 --one-client: one connection at a time
            #expect(
                Shell.eventually(within: 10) { guest.read(".ukfs/state") == "connected\n" },
                "\(round): \(guest.read(".ukfs/state"))")
            #expect(FileManager.default.fileExists(atPath: guest.registry + "/vm9.share"), "\(round): no share")
            let get = guest.ukfs(["get", "vm9", "print/console_lvl"])
            #expect(get.status == 0 && get.stdout == "3\n", "\(round): \(get)")
            let list = guest.ukfs(["list"])
            let line = list.stdout.split(separator: "\n").first { $0.hasPrefix("vm9 ") }.map(String.init) ?? ""
            #expect(
                line.contains(" answering ") && line.hasSuffix("ukfs mount vm9 \(guest.mountpoint)"), "\(round): \(list)")
            #expect(guest.read(".ukfs/state") == "connected\n", "the get and the list came and went")
            guest.stopGuest()
            #expect(
                Shell.eventually(within: 10) { guest.read(".ukfs/state").hasPrefix("disconnected") },
                "\(round): \(guest.read(".ukfs/state"))")
        }
    }

    @Test("not on a terminal, a waiting mount says nothing; by address or name alike")
    func quietInScripts() throws {
        let guest = try Instance(name: "vm8")
        defer { guest.stop() }
        let result = guest.ukfs(["mount", "vm8", guest.mountpoint, "-o", "wait"])
        guest.mounted = result.status == 0
        #expect(result.status == 0 && result.stdout.isEmpty && result.stderr.isEmpty, "\(result)")
        let unknown = guest.ukfs(["mount", "vm7", guest.folder, "-o", "ro"])
        #expect(
            unknown.status == 1 && unknown.stderr.hasPrefix("ukfs: unknown instance 'vm7'"),
            "without wait, an unknown name fails: \(unknown)")
    }

    @Test(".ukfs/state gives the last connect error, the retry delay and the attempt")
    func lastConnectError() throws {
        let guest = try Instance()
        defer { guest.stop() }
        // A socket file nobody listens on, as a VM that died leaves behind: connection refused.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(guest.socket.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0 }
        }
        close(fd)
        #expect(bound)
        try guest.mountOnly(options: ["-o", "wait"])
        var state = ""
        #expect(
            Shell.eventually(within: 10) {
                state = guest.read(".ukfs/state")
                return state.contains("(attempt 3)")
            }, "\(state)")
        let pattern = #/^disconnected: connection refused, retrying in \d+\.\d s \(attempt \d+\)\n$/#
        #expect(state.wholeMatch(of: pattern) != nil, "\(state)")
    }

    @Test("mount --all on an empty registry: one waiting line, one mounted line")
    func allWaits() throws {
        let guest = try Instance()
        defer { guest.stop() }
        let mount = Self.onTerminal(guest, ["mount", "--all", guest.mountpoint])
        guest.mounted = mount.status == 0
        #expect(
            mount.lines == [
                "ukfs: waiting for instances to register in \(guest.registry)",
                "ukfs: mounted every instance of \(guest.registry) at \(guest.mountpoint); each instance appears as it registers",
            ],
            "\(mount)")
        try guest.startGuest()
        #expect(Shell.eventually(within: 10) { guest.read("vm1/.ukfs/state") == "connected\n" })
    }
}
