import Foundation
import Testing

/// Reads the kernel serves itself (FUSE passthrough), seen as a user sees them: which path a mount
/// takes and says, values that stay whole and fresh under concurrent readers, and writes that are
/// never lost to a reader. The other suites run on whichever path the mount takes by default, and
/// CI runs them once more with UKFS_PASSTHROUGH=off.
@Suite("Passthrough reads")
struct PassthroughTests {
    @Test("a root mount serves reads by passthrough and says so; -o passthrough=off does not")
    func pathIsTold() throws {
        let guest = try Instance().mount(options: ["-o", "passthrough=auto"])
        defer { guest.stop() }
        #expect(guest.read(".ukfs/io") == "passthrough\n")
        #expect(guest.read("libukprint/console_lvl") == "3\n")
        let off = try Instance(name: "vm2").mount(options: ["-o", "passthrough=off"])
        defer { off.stop() }
        #expect(off.read(".ukfs/io") == "libfuse (-o passthrough=off)\n")
        #expect(UInt64(off.read("net/eth0/rx_bytes").dropLast()) != nil)
        #expect(guest.ukfs(["mount", "vm1", "/nonexistent", "-o", "passthrough=maybe"]).stderr.contains("give auto"))
    }

    @Test("4 readers of one changing entry: every read is one whole value, none fails")
    func concurrentReadersOfOneEntry() throws {
        let guest = try Instance().mount(options: ["-o", "passthrough=auto"])
        defer { guest.stop() }
        // Each reader checks its own reads; a torn, empty or failed read prints a line.
        let reader = """
            for i in $(seq 300); do
              v=$(cat "$M/net/eth0/rx_bytes") || { echo "read failed"; continue; }
              [[ "$v" =~ ^[0-9]+$ ]] || echo "not one value: $v"
            done
            """
        let result = guest.sh("for r in 1 2 3 4; do ( \(reader) ) & done; wait", timeout: 120)
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
    }

    @Test("4 readers of 4 entries and a grep -r at once: no error")
    func concurrentReadersOfManyEntries() throws {
        let guest = try Instance().mount()
        defer { guest.stop() }
        let script = """
            for e in net/eth0/rx_bytes net/eth0/tx_bytes libukalloc/cur_mem_free .ukfs/state; do
              ( for i in $(seq 200); do cat "$M/$e" > /dev/null || echo "failed: $e"; done ) &
            done
            grep -r . "$M/libuksched" > /dev/null || echo "grep failed"
            wait
            """
        let result = guest.sh(script, timeout: 120)
        #expect(result.stdout.isEmpty && result.stderr.isEmpty, "\(result)")
    }

    @Test("a reader that keeps an entry open does not freeze its value for the next readers")
    func heldOpenDoesNotFreeze() throws {
        let guest = try Instance().mount(options: ["-o", "passthrough=auto"])
        defer { guest.stop() }
        // The holder reads its value and keeps the file open while others read the counter on.
        let script = """
            exec 3< "$M/net/eth0/rx_bytes"
            read held <&3
            for i in $(seq 200); do
              now=$(cat "$M/net/eth0/rx_bytes") || exit 1
              [ "$now" != "$held" ] && { echo moved; exit 0; }
              sleep 0.05
            done
            echo "stuck at $held"
            """
        let result = guest.sh(script, timeout: 60)
        #expect(result.stdout == "moved\n", "\(result)")
    }

    @Test("a write is never lost to a reader that holds the entry open")
    func writeBesideAReader() throws {
        let guest = try Instance().mount()
        defer { guest.stop() }
        let script = """
            exec 3< "$M/libukprint/console_lvl"
            echo 6 > "$M/libukprint/console_lvl" || exit 1
            cat "$M/libukprint/console_lvl"
            exec 3<&-
            """
        let result = guest.sh(script)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "6\n", "\(result)")
    }

    @Test("an ordinary user mounts through fusermount3 and takes the libfuse path, saying why")
    func ordinaryUserMounts() throws {
        // As Debian's udev rule has it: /dev/fuse open to everyone (these machines ship it root-only;
        // ukfs then says so in one line, which is checked first).
        let folder = try NobodyFolder()
        defer { folder.remove() }
        let guest = try folder.spawnAsNobody([folder.ukfs, "sim", "vm1", "--one-client"])
        defer { Shell.terminate(guest) }
        #expect(Shell.eventually(within: 10) { FileManager.default.fileExists(atPath: folder.registry + "/vm1.sock") })
        var device = stat()
        try #require(stat("/dev/fuse", &device) == 0)
        if device.st_mode & 0o006 != 0o006 {
            let refused = folder.runAsNobody([folder.ukfs, "mount", "vm1", folder.mountpoint])
            #expect(refused.status == 1 && refused.stderr.contains("/dev/fuse is open to root only"), "\(refused)")
            chmod("/dev/fuse", 0o666)
        }
        defer { chmod("/dev/fuse", device.st_mode & 0o7777) }
        let mount = folder.runAsNobody([folder.ukfs, "mount", "vm1", folder.mountpoint])
        try #require(mount.status == 0, "\(mount)")
        defer { folder.runAsNobody([folder.ukfs, "umount", folder.mountpoint]) }
        #expect(
            folder.runAsNobody(["/bin/cat", folder.mountpoint + "/.ukfs/io"]).stdout
                == "libfuse (not root: passthrough needs CAP_SYS_ADMIN)\n")
        let value = folder.runAsNobody(["/bin/cat", folder.mountpoint + "/net/eth0/rx_bytes"])
        #expect(UInt64(value.stdout.dropLast()) != nil, "\(value)")
        let table = (try? String(contentsOfFile: "/proc/mounts", encoding: .utf8)) ?? ""
        #expect(table.contains(" \(folder.mountpoint) fuse.ukfs ") && table.contains("user_id=65534"))
    }
}

/// A folder the user `nobody` owns, with a copy of the built `ukfs` it may run, wherever the
/// checkout lives (a clone under /root is not reachable by other users).
struct NobodyFolder {
    let path: String
    var registry: String { path + "/registry" }
    var mountpoint: String { path + "/mnt" }
    var ukfs: String { path + "/ukfs" }

    init() throws {
        let template = "/tmp/ukfs-nobody-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard let made = mkdtemp(&bytes) else { throw FixtureError("mkdtemp failed") }
        path = String(cString: made)
        let copy = Shell.run(
            "cp '\(Paths.ukfs)' '\(path)/ukfs' && mkdir -p '\(path)/registry' '\(path)/mnt' && chmod 0700 '\(path)/registry' && chown -R nobody:nogroup '\(path)'"
        )
        guard copy.status == 0 else { throw FixtureError("cannot prepare \(path): \(copy)") }
    }

    private func asNobody(_ arguments: [String]) -> [String] {
        [
            "/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--reset-env", "/usr/bin/env",
            "UKFS_RUNTIME_DIR=\(registry)",
        ] + arguments
    }

    @discardableResult
    func runAsNobody(_ arguments: [String]) -> Shell.Output {
        Shell.run(asNobody(arguments), timeout: 20)
    }

    func spawnAsNobody(_ arguments: [String]) throws -> pid_t {
        guard let pid = Shell.spawn(asNobody(arguments)) else { throw FixtureError("cannot start \(arguments[0]) as nobody") }
        return pid
    }

    func remove() {
        Shell.run(["/bin/umount", "-l", mountpoint])
        try? FileManager.default.removeItem(atPath: path)
    }
}
