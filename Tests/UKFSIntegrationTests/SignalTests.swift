import Foundation
import Testing

/// Every command ends on SIGINT, SIGTERM or SIGHUP as coreutils do — at once, dead by the signal
/// (status 128 + signal), having released what it held — and a closed stdout ends it quietly.
/// Time bounds here are generous (a noisy 2-core machine); the promise is 100 ms, measured by hand.
@Suite("Signals and pipes")
struct SignalTests {
    /// Signals `pid`, reaps it, and returns its status as a shell reports it and how long it took.
    static func signal(_ pid: pid_t, _ signal: Int32) -> (status: Int32, seconds: Double) {
        let started = Date()
        kill(pid, signal)
        var status: Int32 = 0
        if !Shell.eventually(within: 10, { waitpid(pid, &status, WNOHANG) == pid }) {
            kill(pid, SIGKILL)
            waitpid(pid, &status, 0)
            return (-9, Date().timeIntervalSince(started))
        }
        let decoded = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (decoded, Date().timeIntervalSince(started))
    }

    @Test(
        "watch, get and dump waiting on a silent guest end at once with 128 + signal",
        arguments: [SIGINT, SIGTERM, SIGHUP])
    func scriptingCommands(signal: Int32) throws {
        let instance = try Instance()
        defer { instance.stop() }
        let silent = try HostileGuest(path: instance.folder + "/silent.sock", behaviour: .silent)
        defer { silent.stop() }
        try instance.startGuest()
        let commands: [[String]] = [
            ["watch", "vm1", "net/eth0/rx_bytes", "--interval", "0.2"],
            ["get", "unix:" + silent.path, "libtest/value", "--timeout", "60"],
            ["dump", "unix:" + silent.path, "--timeout", "60"],
        ]
        for command in commands {
            let before = silent.connectionsAccepted
            let process = try BackgroundProcess(
                [Paths.ukfs] + command, environment: instance.environment,
                outputPath: instance.folder + "/signalled.out")
            // Signalled once it is surely waiting: the silent guest has its connection, or watch has
            // printed its first value (a loaded machine can take longer than any fixed pause to
            // start a command).
            if command[1].hasPrefix("unix:") {
                #expect(Shell.eventually(within: 20) { silent.connectionsAccepted > before }, "\(command) never connected")
            } else {
                #expect(Shell.eventually(within: 20) { !process.output.isEmpty }, "\(command) never printed a value")
            }
            let (status, seconds) = Self.signal(process.pid, signal)
            #expect(status == 128 + signal, "\(command): status \(status): \(process.output)")
            #expect(seconds < 2, "\(command): \(seconds) s")
        }
    }

    @Test("timeout 2 ukfs watch ends after two seconds")
    func timeoutWatch() throws {
        let instance = try Instance()
        defer { instance.stop() }
        try instance.startGuest()
        let started = Date()
        let result = instance.sh("timeout 2 '\(Paths.ukfs)' watch vm1 net/eth0/rx_bytes >/dev/null", timeout: 30)
        #expect(result.status == 124, "\(result)")
        #expect(Date().timeIntervalSince(started) < 6)
    }

    @Test(
        "sim, export and mount -f release what they hold and end with 128 + signal",
        arguments: [SIGINT, SIGTERM, SIGHUP])
    func servingCommands(signal: Int32) throws {
        let instance = try Instance()
        defer { instance.stop() }
        let folder = instance.folder + "/other-registry"
        let sim = try #require(Shell.spawn([Paths.ukfs, "sim", "vm9"], environment: ["UKFS_RUNTIME_DIR": folder]))
        #expect(Shell.eventually(within: 10) { FileManager.default.fileExists(atPath: folder + "/vm9.sock") })
        let simEnd = Self.signal(sim, signal)
        #expect(simEnd.status == 128 + signal && simEnd.seconds < 2, "sim: \(simEnd)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/vm9.sock"), "sim removes its socket")

        try instance.startGuest()
        let export = try BackgroundProcess(
            [Paths.ukfs, "export", "vm1", "--listen", "127.0.0.1:0"],
            environment: instance.environment, outputPath: instance.folder + "/export.out")
        #expect(export.line(startingWith: "ukfs: exporting ") != nil, "\(export.output)")
        let exportEnd = Self.signal(export.pid, signal)
        #expect(exportEnd.status == 128 + signal && exportEnd.seconds < 2, "export: \(exportEnd)")

        let mount = try #require(instance.spawnMounting(["mount", "vm1", instance.mountpoint, "-f"]))
        #expect(instance.read("print/console_lvl") == "3\n")
        let mountEnd = Self.signal(mount, signal)
        #expect(mountEnd.status == 128 + signal && mountEnd.seconds < 2, "mount -f: \(mountEnd)")
        #expect(!instance.isMountedInKernel, "the mount is gone")
    }

    @Test(
        "a closed stdout ends ls, dump and watch quietly",
        arguments: [
            "ls vm1 libukalloc | head -0", "dump vm1 | head -1", "watch vm1 net/eth0/rx_bytes --interval 0.1 | head -1",
            "dump vm1 --json | true", "list | head -0",
        ])
    func closedPipe(pipeline: String) throws {
        let instance = try Instance()
        defer { instance.stop() }
        try instance.startGuest()
        let result = instance.sh("'\(Paths.ukfs)' \(pipeline); echo \"status ${PIPESTATUS[0]}\" >&2", timeout: 30)
        let status = result.stderr.split(separator: "\n").last.map(String.init) ?? ""
        #expect(status == "status 0" || status == "status 141", "\(result)")
        #expect(result.stderr.split(separator: "\n").count == 1, "no message: \(result)")
    }
}
