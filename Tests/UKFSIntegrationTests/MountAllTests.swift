import Foundation
import Testing

/// A further simulator registered in a test's registry (the `Instance` fixture runs one).
private final class ExtraGuest: @unchecked Sendable {
    // @unchecked: used from one test at a time.
    let name: String
    let socket: String
    private var pid: pid_t?

    init(_ name: String, in instance: Instance) throws {
        self.name = name
        socket = instance.registry + "/" + name + ".sock"
        pid = Shell.spawn([Paths.ukfs, "sim", name, "--socket", socket, "--log-level", "warning"], environment: instance.environment)
        guard pid != nil, Shell.eventually(within: 10, { FileManager.default.fileExists(atPath: self.socket) }) else {
            throw FixtureError("the simulator \(name) did not create \(socket)")
        }
    }

    /// Ends it with `signal` (SIGTERM removes its socket; SIGKILL leaves it) and reaps it.
    func stop(_ signal: Int32 = SIGTERM) {
        guard let pid else { return }
        self.pid = nil
        kill(pid, signal)
        var status: Int32 = 0
        if !Shell.eventually(within: 5, { waitpid(pid, &status, WNOHANG) == pid }) {
            kill(pid, SIGKILL)
            waitpid(pid, &status, 0)
        }
    }
}

/// `ukfs mount --all`: one mount, a folder per registered instance, following the registry live.
@Suite("ukfs mount --all", .serialized)
struct MountAllTests {
    private func mountAll(_ instance: Instance, options: [String] = []) throws {
        let result = instance.ukfs(["mount", "--all", instance.mountpoint] + options)
        guard result.status == 0 else { throw FixtureError("ukfs mount --all failed: \(result)") }
        instance.mounted = true
    }

    private func exists(_ instance: Instance, _ path: String) -> Bool {
        instance.sh("stat \"$M/\(path)\"").status == 0
    }

    @Test("a folder per instance; instances appear and vanish live; writes, events and a full walk work")
    func followsRegistry() throws {
        let instance = try Instance(name: "vm1")
        let vm2 = try ExtraGuest("vm2", in: instance)
        var vm3: ExtraGuest?
        defer {
            instance.stop()
            vm2.stop()
            vm3?.stop()
        }
        try instance.startGuest()
        try mountAll(instance)

        #expect(instance.sh("ls \"$M\"").stdout == "vm1\nvm2\n")
        #expect(instance.read(".ukfs/instances") == "vm1\nvm2\n")
        #expect(instance.read(".ukfs/registry") == instance.registry + "\n")
        for name in ["vm1", "vm2"] {
            #expect(UInt64(instance.read("\(name)/net/eth0/rx_bytes").dropLast()) != nil)
            #expect(instance.read("\(name)/.ukfs/name") == name + "\n")
            #expect(instance.read("\(name)/.ukfs/state") == "connected\n")
        }

        let registered = Date()
        vm3 = try ExtraGuest("vm3", in: instance)
        #expect(Shell.eventually(within: 3) { exists(instance, "vm3/net/eth0/rx_bytes") })
        #expect(Date().timeIntervalSince(registered) < 1.5, "vm3 took \(Date().timeIntervalSince(registered)) s to appear")

        let stopped = Date()
        vm2.stop()
        #expect(Shell.eventually(within: 3) { !exists(instance, "vm2") })
        #expect(Date().timeIntervalSince(stopped) < 1.5, "vm2 took \(Date().timeIntervalSince(stopped)) s to vanish")
        let gone = instance.sh("stat \"$M/vm2\"")
        #expect(gone.status != 0 && gone.stderr.contains("No such file or directory"), "\(gone)")
        #expect(instance.sh("ls \"$M\"").stdout == "vm1\nvm3\n")

        #expect(instance.sh("echo 3 > \"$M/vm1/appsim/netdev_count\"").status == 0)
        #expect(Shell.eventually(within: 2) { exists(instance, "vm1/net/netdev2") })
        #expect(!exists(instance, "vm3/net/netdev2"), "an event of vm1 must not change vm3")

        let walk = instance.sh("find \"$M\" -type f -exec cat {} + > /dev/null")
        #expect(walk.status == 0, "\(walk)")

        #expect(instance.ukfs(["umount", instance.mountpoint]).status == 0)
        instance.mounted = false
        #expect(!instance.isMountedInKernel)
        #expect(
            Shell.eventually(within: 5) {
                Shell.run("pgrep -f 'ukfs mount --all \(instance.mountpoint) --foreground'").stdout.isEmpty
            })
    }

    @Test("an instance whose guest dies keeps its folder, disconnected, until its socket is removed")
    func deadGuestKeepsFolder() throws {
        let instance = try Instance(name: "vm1")
        let vm2 = try ExtraGuest("vm2", in: instance)
        defer {
            instance.stop()
            vm2.stop()
        }
        try instance.startGuest()
        try mountAll(instance)
        vm2.stop(SIGKILL)
        #expect(Shell.eventually(within: 3) { instance.read("vm2/.ukfs/state").hasPrefix("disconnected") })
        #expect(instance.sh("ls \"$M\"").stdout == "vm1\nvm2\n")
        #expect(instance.read("vm1/.ukfs/state") == "connected\n")
        let read = instance.sh("cat \"$M/vm2/net/eth0/rx_bytes\"")
        #expect(read.status != 0 && read.stderr.contains("Input/output error"), "\(read)")
        #expect(unlink(vm2.socket) == 0)
        #expect(Shell.eventually(within: 3) { !exists(instance, "vm2") })
    }

    @Test("sockets that are not ours, not sockets, or bad names get no folder, and .ukfs/refused says why")
    func refusals() throws {
        let instance = try Instance(name: "vm1")
        defer { instance.stop() }
        try instance.startGuest()
        let foreign = instance.registry + "/theirs.sock"
        let made = Shell.run(
            "python3 -c 'import os, socket; s=socket.socket(socket.AF_UNIX); s.bind(\"\(foreign)\"); s.listen(); os.chown(\"\(foreign)\", 65534, 65534)'"
        )
        #expect(made.status == 0, "\(made)")
        _ = FileManager.default.createFile(atPath: instance.registry + "/plain.sock", contents: Data())
        try mountAll(instance)
        #expect(instance.sh("ls \"$M\"").stdout == "vm1\n")
        let refused = instance.read(".ukfs/refused")
        #expect(refused.contains("theirs: \(foreign) belongs to uid 65534, not you"), "\(refused)")
        #expect(refused.contains("plain: \(instance.registry)/plain.sock is not a socket"), "\(refused)")
    }

    @Test("misuse gets one line; -f serves in the foreground and SIGTERM unmounts cleanly")
    func commandLine() throws {
        let instance = try Instance(name: "vm1")
        defer { instance.stop() }
        try instance.startGuest()
        let both = instance.ukfs(["mount", "--all", "vm1", instance.mountpoint])
        #expect(both.status != 0 && both.stderr.contains("with --all, give only the mountpoint"), "\(both)")
        let none = instance.ukfs(["mount", "vm1"])
        #expect(none.status != 0 && none.stderr.contains("give an instance and a mountpoint"), "\(none)")
        let badOption = instance.ukfs(["mount", "--all", instance.mountpoint, "-o", "frobnicate"])
        #expect(badOption.status != 0 && badOption.stderr.contains("unknown mount option 'frobnicate'"), "\(badOption)")

        guard let pid = instance.spawnMounting(["mount", "--all", instance.mountpoint, "-f"]) else {
            Issue.record("the foreground mount --all never mounted")
            return
        }
        #expect(Shell.eventually(within: 3) { instance.read("vm1/.ukfs/state") == "connected\n" })
        let busy = instance.ukfs(["mount", "--all", instance.mountpoint])
        #expect(busy.status != 0 && busy.stderr.contains("already mounted"), "\(busy)")
        #expect(Shell.terminate(pid, signal: SIGTERM, grace: 10) & 0x7f == SIGTERM)
        #expect(!instance.isMountedInKernel)
    }
}
