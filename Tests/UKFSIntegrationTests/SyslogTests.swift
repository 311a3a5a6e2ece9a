import Foundation
import Testing

/// Where a mount's server logs: a background one to syslog (facility daemon, tag `ukfs[PID]`)
/// unless `-o log=PATH`; a foreground one to stderr.
@Suite("Server logs", .serialized)
struct SyslogTests {
    @Test("a background mount logs to syslog as daemon.info, tagged ukfs[PID]; -o log=PATH and -f keep it off syslog")
    func backgroundToSyslog() throws {
        let guest = try Instance()
        defer { guest.stop() }
        let listener = try SyslogListener(path: guest.folder + "/log.sock")
        defer { listener.close() }
        try guest.startGuest()
        let environment = guest.environment.merging(["UKFS_SYSLOG_SOCKET": listener.path]) { $1 }
        let mount = Shell.run(
            [Paths.ukfs, "mount", guest.name, guest.mountpoint, "--log-level", "info"], environment: environment)
        #expect(mount.status == 0, "\(mount)")
        guest.mounted = mount.status == 0
        let messages = listener.messages(until: "mounted vm1 at \(guest.mountpoint)", within: 10)
        let line = messages.first { $0.contains("mounted vm1 at \(guest.mountpoint)") }
        #expect(line != nil, "nothing on syslog: \(messages)")
        // <30>: facility daemon (3) × 8 + severity info (6); then an RFC 3164 timestamp and the tag.
        let pattern = #/^<30>[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d ukfs\[(\d+)\]: ukfs\.mount: mounted vm1 at /#
        let match = line.flatMap { try? pattern.firstMatch(in: $0) }
        #expect(match != nil, "\(line ?? "")")
        if let pid = match.flatMap({ Int32($0.1) }) {
            #expect(pid != getpid() && kill(pid, 0) == 0, "the tag names the running server's pid")
        }
        #expect(guest.ukfs(["umount", guest.mountpoint]).status == 0)
        guest.mounted = false

        let file = guest.folder + "/server.log"
        let logged = Shell.run(
            [Paths.ukfs, "mount", guest.name, guest.mountpoint, "--log-level", "info", "-o", "log=\(file)"], environment: environment)
        #expect(logged.status == 0, "\(logged)")
        guest.mounted = logged.status == 0
        #expect(Shell.eventually(within: 10) { ((try? String(contentsOfFile: file, encoding: .utf8)) ?? "").contains("mounted vm1") })
        let none = listener.messages(until: "mounted vm1", within: 1)
        #expect(none.isEmpty, "-o log= keeps the server off syslog: \(none)")
        #expect(guest.ukfs(["umount", guest.mountpoint]).status == 0)
        guest.mounted = false

        // In the foreground (-f: a terminal, or systemd's journal) the server keeps stderr.
        let foreground = try BackgroundProcess(
            [Paths.ukfs, "mount", guest.name, guest.mountpoint, "-f", "--log-level", "info"], environment: environment,
            outputPath: guest.folder + "/foreground.out")
        #expect(Shell.eventually(within: 10) { foreground.output.contains("mounted vm1") }, "\(foreground.output)")
        let quiet = listener.messages(until: "mounted vm1", within: 1)
        #expect(quiet.isEmpty, "a foreground server logs to stderr, not syslog: \(quiet)")
        foreground.stop()
        #expect(!guest.isMountedInKernel)
    }
}
