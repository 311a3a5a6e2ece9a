import Foundation
import Testing

/// The benchmark and the simulator's scale flag work; no figure is judged here (benchmarks are not
/// tests: this machine's timings vary too much to assert on).
@Suite("Benchmark and scaled store")
struct BenchTests {
    static let bench = URL(fileURLWithPath: Paths.ukfs).deletingLastPathComponent().appendingPathComponent("ukfs-bench").path

    @Test("ukfs-bench --quick runs everything it mounts and prints its tables")
    func quickBench() throws {
        let json = FileManager.default.temporaryDirectory.appendingPathComponent("ukfs-bench-\(getpid()).json").path
        defer { unlink(json) }
        let result = Shell.run([Self.bench, "--quick", "--no-agent", "--json", json], timeout: 300)
        #expect(result.status == 0, "\(result)")
        for heading in [
            "| ukfs + simulator |", "| ukfs + simulator, libfuse path |", "| ukfs + simulator, 4 entries |",
            "| ukfs + shared line |", "one guest line, shared", "| ukfs constant (floor) |", "| ukfs constant, libfuse path |",
            "thread wake-ups per open + read + close",
            "| /proc/uptime |", "| tmpfs file |",
            "| warm (second) |", "| pipelined, depth 32 |", "liveness:", "memory:", "| liveness p99 |",
        ] {
            #expect(result.stdout.contains(heading), "missing \(heading) in \(result.stdout)")
        }
        #expect(!result.stdout.contains("failed)"), "\(result.stdout)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        // Without the C agent: the simulator on both paths and on 4 entries, the shared line's two,
        // both floors, /proc and tmpfs.
        #expect((report?["readers"] as? [Any])?.count == 9)
        #expect((report?["wakeups"] as? [Any])?.count == 2)
        #expect(report?["shared"] is [String: Any])
    }

    @Test("ukfs-bench --hostile --quick floods a share from clients that never read, fills it with idle ones, and judges each target")
    func hostileBench() throws {
        let result = Shell.run([Self.bench, "--hostile", "--quick"], timeout: 300)
        #expect(result.status == 0, "\(result)")
        for heading in [
            "hostile share clients:", "| mount | STATUS |", "| mount | unknown type |", "| attach | STATUS |",
            "| 64 that never send HELLO | yes |", "| 64 idle after HELLO | yes |", "| holder RSS under each flood, above its start |",
        ] {
            #expect(result.stdout.contains(heading), "missing \(heading) in \(result.stdout)")
        }
        #expect(!result.stdout.contains("failed") && !result.stdout.contains("FAILS"), "\(result.stdout)")
    }

    @Test("ukfs-bench --fleet --quick measures a small fleet through mount --all and export --all and judges every density target")
    func fleetBench() throws {
        let json = FileManager.default.temporaryDirectory.appendingPathComponent("ukfs-bench-fleet-\(getpid()).json").path
        defer { unlink(json) }
        let result = Shell.run(
            [
                Self.bench, "--fleet", "--quick", "--fleet-sizes", "4,12", "--export-sizes", "4,12",
                "--json", json,
            ], timeout: 300)
        #expect(result.status == 0, "\(result)")
        for heading in [
            "density: one `ukfs mount --all`", "| RSS idle (KiB) |", "| `ls` of the root (ms) |",
            "density: one `ukfs export --all`", "instances come and go", "| mount threads, idle: 4 → 12 instances |",
            "| scrape time per instance: 12 / 4 |", "worst plateau vs the first",
        ] {
            #expect(result.stdout.contains(heading), "missing \(heading) in \(result.stdout)")
        }
        #expect(!result.stdout.contains("not measured") && !result.stdout.contains("failed"), "\(result.stdout)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        let density = report?["density"] as? [String: Any]
        #expect((density?["mounts"] as? [Any])?.count == 2 && (density?["exports"] as? [Any])?.count == 2)
        // Every instance of the fleet answered the exporter's scrape.
        let exports = density?["exports"] as? [[String: Any]] ?? []
        #expect(exports.compactMap { ($0["steady"] as? [String: Any])?["up"] as? Int } == [4, 12], "\(exports)")
    }

    @Test("ukfs-bench --top --quick runs ukfs top over a small fleet and judges issue 21's targets")
    func topBench() throws {
        let result = Shell.run([Self.bench, "--top", "--quick"], timeout: 300)
        #expect(result.status == 0, "\(result)")
        for heading in ["ukfs top over ukfs sim --fleet 16 (16 answering", "| first frame", "| a refresh", "| CPU at the default interval"]
        {
            #expect(result.stdout.contains(heading), "missing \(heading) in \(result.stdout)")
        }
    }

    @Test("ukfs sim --scale N adds appscale with N entries, 100 per object")
    func scaledStore() throws {
        let guest = try Instance()
        defer { guest.stop() }
        guard let sim = Shell.spawn([Paths.ukfs, "sim", "scaled", "--socket", guest.socket, "--scale", "250"]) else {
            throw FixtureError("cannot start ukfs sim --scale")
        }
        defer { kill(sim, SIGTERM); var status: Int32 = 0; waitpid(sim, &status, 0) }
        #expect(Shell.eventually(within: 10) { FileManager.default.fileExists(atPath: guest.socket) })
        #expect(guest.ukfs(["mount", "unix:" + guest.socket, guest.mountpoint]).status == 0)
        defer { guest.ukfs(["umount", guest.mountpoint]) }
        #expect(guest.sh("ls \"$M/appscale\"").stdout == "obj0\nobj1\nobj2\n")
        #expect(guest.sh("find \"$M/appscale\" -type f | wc -l").stdout == "300\n")
        #expect(guest.sh("ls \"$M/appscale/obj2\" | head -2").stdout == "v00\nv01\n")
        #expect(Int(guest.read("appscale/obj1/v99").dropLast()) != nil)
        // The default store is unchanged beside it.
        #expect(guest.sh("ls \"$M\" | head -3").stdout == "appscale\nappsim\nfalloc\n")
    }
}
