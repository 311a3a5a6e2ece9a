import Foundation
import Testing

/// `ukfs sim --fleet N [NAME]`: many simulated instances from one process, for density tests and
/// benchmarks.
@Suite("ukfs sim --fleet", .serialized)
struct FleetTests {
    @Test("N instances NAME-1 … NAME-N, each its own socket, boot id and values; threads do not grow; SIGTERM removes every socket")
    func fleet() throws {
        let instance = try Instance(name: "unused")
        defer { instance.stop() }
        let small = try SimulatedFleet(2, base: "small", registry: instance.registry, environment: instance.environment)
        let fleet = try SimulatedFleet(300, registry: instance.registry, environment: instance.environment)
        defer {
            small.stop()
            fleet.stop()
        }
        let names = Set(((try? FileManager.default.contentsOfDirectory(atPath: instance.registry)) ?? []).filter { $0.hasPrefix("vm-") })
        #expect(names == Set((1...300).map { "vm-\($0).sock" }))
        #expect(
            fleet.threads != nil && fleet.threads == small.threads,
            "a fleet of 300 has \(fleet.threads ?? -1) threads, one of 2 has \(small.threads ?? -1)")

        // Values differ between members: each runs its own clock.
        let first = instance.ukfs(["get", "vm-1", "appsim/uptime_ms", "libuknetdev/netdev0/rx_bytes"])
        let last = instance.ukfs(["get", "vm-300", "appsim/uptime_ms", "libuknetdev/netdev0/rx_bytes"])
        #expect(first.status == 0 && last.status == 0, "\(first) \(last)")
        #expect(first.stdout != last.stdout && !first.stdout.isEmpty)
        let uptimes = [first, last].compactMap { UInt64($0.stdout.split(separator: "\n").first ?? "") }
        #expect(uptimes.count == 2 && uptimes[1] > uptimes[0], "vm-300 runs ahead of vm-1: \(uptimes)")

        // Boot ids, as a mount of each shows them.
        var bootIDs: Set<String> = []
        for name in ["small-1", "small-2"] {
            let mountpoint = instance.folder + "/" + name
            try FileManager.default.createDirectory(atPath: mountpoint, withIntermediateDirectories: true)
            let mounted = instance.ukfs(["mount", name, mountpoint])
            #expect(mounted.status == 0, "\(mounted)")
            let bootID = Shell.run(["/bin/cat", mountpoint + "/.ukfs/boot_id"])
            bootIDs.insert(bootID.stdout)
            #expect(bootID.status == 0 && bootID.stdout.count > 2, "\(bootID)")
            #expect(instance.ukfs(["umount", mountpoint]).status == 0)
        }
        #expect(bootIDs.count == 2)

        let status = fleet.stop()
        #expect(status.map { $0 & 0x7f } == SIGTERM)
        #expect(fleet.socketCount == 0, "\(fleet.socketCount) sockets left after SIGTERM")
        #expect(small.socketCount == 2, "stopping one fleet leaves the other's sockets")
        #expect(small.stop(SIGINT).map { $0 & 0x7f } == SIGINT)
        #expect(small.socketCount == 0)
    }

    @Test("a fleet the descriptor limit cannot hold fails in one line that says what to do; misuse is a usage error")
    func refusals() throws {
        let instance = try Instance(name: "unused")
        defer { instance.stop() }
        let tooMany = Shell.run("ulimit -n 200 && exec '\(Paths.ukfs)' sim --fleet 300", environment: instance.environment)
        #expect(tooMany.status == 1, "\(tooMany)")
        #expect(
            tooMany.stderr.hasPrefix("ukfs: --fleet 300 needs about 664 descriptors but this process may open 200")
                && tooMany.stderr.contains("ulimit") && tooMany.stderr.split(separator: "\n").count == 1, "\(tooMany)")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: instance.registry)) ?? []).isEmpty)

        // A member's name already answering: the fleet does not start, and leaves no socket behind.
        let taken = instance.registry + "/vm-3.sock"
        let single = Shell.spawn([Paths.ukfs, "sim", "vm-3", "--log-level", "warning"], environment: instance.environment)
        defer { if let single { Shell.terminate(single) } }
        try #require(single != nil && Shell.eventually(within: 10) { FileManager.default.fileExists(atPath: taken) })
        let clash = instance.ukfs(["sim", "--fleet", "100"])
        #expect(
            clash.status == 1 && clash.stderr.hasPrefix("ukfs: an instance is already answering at \(instance.registry)/vm-3.sock")
                && clash.stderr.split(separator: "\n").count == 1, "\(clash)")
        let left = ((try? FileManager.default.contentsOfDirectory(atPath: instance.registry)) ?? []).filter { $0.hasSuffix(".sock") }
        #expect(left == ["vm-3.sock"], "\(left)")

        let withSocket = instance.ukfs(["sim", "--fleet", "3", "--socket", instance.folder + "/x.sock"])
        #expect(withSocket.status == 64 && withSocket.stderr.contains("--socket and --listen are for one instance"), "\(withSocket)")
        let noName = instance.ukfs(["sim"])
        #expect(noName.status == 64 && noName.stderr.contains("give the NAME to register"), "\(noName)")
        let zero = instance.ukfs(["sim", "--fleet", "0"])
        #expect(zero.status == 1 && zero.stderr == "ukfs: --fleet 0: give 1 to 65536 instances\n", "\(zero)")
    }
}
