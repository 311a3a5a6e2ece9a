import Foundation
import Testing

/// `mount --all` over a fleet: no fixed instance limit, folders that cost nothing until used, and
/// the descriptor limit reported rather than crashing.
@Suite("ukfs mount --all at density", .serialized)
struct MountAllDensityTests {
    private func mountAll(_ instance: Instance, prefix: String = "", options: [String] = []) throws {
        let command = ([Paths.ukfs, "mount", "--all", instance.mountpoint] + options).map { "'\($0)'" }.joined(separator: " ")
        let result = instance.sh(prefix + "exec " + command, timeout: 60)
        guard result.status == 0 else { throw FixtureError("ukfs mount --all failed: \(result)") }
        instance.mounted = true
    }

    private func listing(_ instance: Instance) -> [String] {
        instance.sh("ls \"$M\"", timeout: 60).stdout.split(separator: "\n").map(String.init)
    }

    /// Lines shares leave in the registry: one per line this mount (or anyone) holds now.
    private func shares(_ instance: Instance) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: instance.registry)) ?? []).filter { $0.hasSuffix(".share") }.sorted()
    }

    @Test("more than 256 instances get their folders, unused ones are never connected, and all vanish when the fleet stops")
    func fleetComesAndGoes() throws {
        let instance = try Instance(name: "unused")
        let fleet = try SimulatedFleet(300, registry: instance.registry, environment: instance.environment)
        defer {
            instance.stop()
            fleet.stop()
        }
        try mountAll(instance)
        let expected = (1...300).map { "vm-\($0)" }.sorted()
        #expect(Shell.eventually(within: 60) { listing(instance) == expected }, "\(listing(instance).count) folders")
        #expect(instance.read(".ukfs/instances").split(separator: "\n").count == 300)
        #expect(instance.read(".ukfs/refused").isEmpty)

        // Listing the mount connects nobody: no line is held, so no share exists.
        #expect(shares(instance).isEmpty, "\(shares(instance))")
        #expect(instance.read("vm-1/.ukfs/state") == "connected\n")
        #expect(UInt64(instance.read("vm-300/appsim/uptime_ms").dropLast()) != nil)
        #expect(instance.read("vm-300/.ukfs/name") == "vm-300\n")
        #expect(shares(instance) == ["vm-1.share", "vm-300.share"], "only the folders used hold a line")
        #expect(instance.read("vm-2/.ukfs/boot_id") != instance.read("vm-1/.ukfs/boot_id"))

        fleet.stop()
        #expect(Shell.eventually(within: 60) { listing(instance).isEmpty }, "\(listing(instance).count) folders left")
        #expect(instance.read(".ukfs/instances").isEmpty)
        let gone = instance.sh("stat \"$M/vm-300\"")
        #expect(gone.status != 0 && gone.stderr.contains("No such file or directory"), "\(gone)")
        #expect(instance.isMountedInKernel)
    }

    @Test("an unused folder's connection closes after -o idle and reopens on use, seeing what changed meanwhile")
    func idleClose() throws {
        let instance = try Instance(name: "unused")
        let fleet = try SimulatedFleet(2, registry: instance.registry, environment: instance.environment)
        defer {
            instance.stop()
            fleet.stop()
        }
        try mountAll(instance, options: ["-o", "idle=1"])
        #expect(instance.sh("ls \"$M/vm-1/net\"").stdout == "eth0\nnetdev0\n")
        #expect(Shell.eventually(within: 30) { instance.read("vm-2/.ukfs/state") == "idle (connects when used)\n" })
        #expect(Shell.eventually(within: 30) { shares(instance).isEmpty }, "\(shares(instance))")
        // Changed by another client while the folder holds no connection (hence gets no event).
        let set = instance.ukfs(["set", "vm-1", "appsim/netdev_count", "2"])
        #expect(set.status == 0, "\(set)")
        #expect(instance.sh("ls \"$M/vm-1/net\"").stdout == "eth0\neth1\nnetdev0\nnetdev1\n")
        #expect(instance.read("vm-1/.ukfs/state") == "connected\n")
    }

    @Test("connections past what the descriptor limit allows are refused in .ukfs/refused, and the mount keeps serving")
    func descriptorLimit() throws {
        let instance = try Instance(name: "unused")
        let fleet = try SimulatedFleet(8, registry: instance.registry, environment: instance.environment)
        defer {
            instance.stop()
            fleet.stop()
        }
        // 140 descriptors: 128 kept in reserve, so room for 4 guest connections of 3 descriptors;
        // idle=0: no connection is ever closed for another's sake.
        try mountAll(instance, prefix: "ulimit -n 140 && ", options: ["-o", "idle=0"])
        #expect(Shell.eventually(within: 30) { listing(instance).count == 8 })
        for index in 1...4 {
            let read = instance.sh("cat \"$M/vm-\(index)/appsim/uptime_ms\"")
            #expect(read.status == 0, "vm-\(index): \(read)")
        }
        let refused = instance.sh("cat \"$M/vm-5/appsim/uptime_ms\"")
        #expect(refused.status != 0 && refused.stderr.contains("Input/output error"), "\(refused)")
        let report = instance.read(".ukfs/refused")
        #expect(
            report.hasPrefix("vm-5: not connected: the mount holds 4 guest connections, all that its descriptor limit of 140 allows")
                && report.contains("ulimit -n"), "\(report)")
        #expect(instance.read("vm-5/.ukfs/state").hasPrefix("disconnected: not connected: the mount holds 4"))
        // Still serving: the root, and the instances it holds.
        #expect(listing(instance).count == 8)
        #expect(UInt64(instance.read("vm-1/appsim/uptime_ms").dropLast()) != nil)
    }

    @Test("past the descriptor limit, the least recently used connection unused for two timeouts makes room for a folder in use")
    func leastRecentlyUsedMakesRoom() throws {
        let instance = try Instance(name: "unused")
        let fleet = try SimulatedFleet(8, registry: instance.registry, environment: instance.environment)
        defer {
            instance.stop()
            fleet.stop()
        }
        try mountAll(instance, prefix: "ulimit -n 140 && ", options: ["-o", "timeout=0.5"])
        #expect(Shell.eventually(within: 30) { listing(instance).count == 8 })
        for index in 1...4 {
            let read = instance.sh("cat \"$M/vm-\(index)/appsim/uptime_ms\"")
            #expect(read.status == 0, "vm-\(index): \(read)")
        }
        // Refused while the four are fresh; read once they have been unused for two timeouts.
        #expect(Shell.eventually(within: 60) { instance.sh("cat \"$M/vm-5/appsim/uptime_ms\"").status == 0 })
        #expect(shares(instance) == ["vm-2.share", "vm-3.share", "vm-4.share", "vm-5.share"], "vm-1 was the least recently used")
        #expect(!instance.read(".ukfs/refused").contains("vm-5"))
    }
}
