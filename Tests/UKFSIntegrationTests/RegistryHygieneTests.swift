import Foundation
import Testing

/// The registry keeps only what lives: a holder takes its `NAME.lock` and `NAME.share` away when
/// it ends, whatever ends it short of SIGKILL, and a killed holder's files are removed by the next
/// process that finds them unheld once the instance is gone (issue 19.9).
@Suite("Registry hygiene", .serialized)
struct RegistryHygieneTests {
    private func leftovers(_ guest: Instance) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: guest.registry)) ?? []
        return files.filter { $0.hasSuffix(".lock") || $0.hasSuffix(".share") }.sorted()
    }

    @Test("SIGTERM to attach or export, a get, an unmount: no lock or share file is left behind")
    func holdersTidyUp() throws {
        let guest = try Instance()
        defer { guest.stop() }
        try guest.startGuest()

        #expect(guest.ukfs(["get", "vm1", "print/console_lvl"]).stdout == "3\n")
        #expect(leftovers(guest) == [], "after a get")

        let attach = try BackgroundProcess(
            [Paths.ukfs, "attach", "vm1"], environment: guest.environment, outputPath: guest.folder + "/attach.out")
        #expect(attach.line(startingWith: "ukfs: holding vm1's line") != nil, "\(attach.output)")
        #expect(leftovers(guest) == ["vm1.lock", "vm1.share"])
        #expect(Shell.terminate(attach.pid) & 0x7f == SIGTERM)
        #expect(leftovers(guest) == [], "after SIGTERM to attach")

        let (export, url) = try ExportTests.export(guest, ["vm1"])
        #expect(ExportTests.value(ExportTests.scrape(url), "ukfs_up{ukstore_instance=\"vm1\"}") == 1)
        #expect(leftovers(guest) == ["vm1.lock", "vm1.share"])
        #expect(Shell.terminate(export.pid) & 0x7f == SIGTERM)
        #expect(leftovers(guest) == [], "after SIGTERM to export")

        try guest.mount()
        #expect(leftovers(guest) == ["vm1.lock", "vm1.share"])
        #expect(guest.ukfs(["umount", guest.mountpoint]).status == 0)
        guest.mounted = false
        #expect(Shell.eventually(within: 5) { leftovers(guest) == [] }, "after umount: \(leftovers(guest))")
    }

    @Test("a SIGKILLed holder's lock and share of an instance that is gone are removed by ukfs list")
    func staleLockRemoved() throws {
        let guest = try Instance()
        defer { guest.stop() }
        try guest.startGuest()
        let attach = try BackgroundProcess(
            [Paths.ukfs, "attach", "vm1"], environment: guest.environment, outputPath: guest.folder + "/attach.out")
        #expect(attach.line(startingWith: "ukfs: holding vm1's line") != nil, "\(attach.output)")
        kill(attach.pid, SIGKILL)
        attach.stop()
        #expect(leftovers(guest) == ["vm1.lock", "vm1.share"], "SIGKILL leaves them: nothing runs")
        guest.stopGuest()
        #expect(!FileManager.default.fileExists(atPath: guest.socket))
        #expect(guest.ukfs(["list"]).status == 0)
        #expect(leftovers(guest) == [], "after list")
    }
}
