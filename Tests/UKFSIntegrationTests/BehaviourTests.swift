import Foundation
import Testing

/// What a user sees through a real mount, the same for both guests: the Swift simulator and the
/// host build of the C agent (one suite, two backends).
@Suite("Behaviour through a real mount")
struct BehaviourTests {
    @Test("ls shows the libraries, the aliases and .ukfs", arguments: Backend.allCases)
    func layout(backend: Backend) throws {
        let guest = try Instance(backend).mount()
        defer { guest.stop() }
        let root = guest.sh("ls -A \"$M\"").stdout.split(separator: "\n").map(String.init)
        for name in [
            ".ukfs", "libukalloc", "libukfalloc", "libuknetdev", "libukprint", "libuksched", "appsim",
            "net", "memory", "sched", "print",
        ] {
            #expect(root.contains(name), "ls lacks \(name): \(root)")
        }
        #expect(guest.sh("readlink \"$M/net\"").stdout == "libuknetdev\n")
        #expect(guest.sh("readlink \"$M/net/eth0\"").stdout == "netdev0\n")
        let netdev = guest.sh("ls \"$M/libuknetdev/netdev0\"").stdout.split(separator: "\n")
        #expect(netdev == ["rx_bytes", "rx_errors", "rx_fifo", "rx_packets", "tx_bytes", "tx_errors", "tx_fifo", "tx_packets"])
        #expect(guest.sh("ls \"$M/libuksched\"").stdout == "cpu0\ncpu1\n")
    }

    @Test("a counter reads as a decimal number that never falls", arguments: Backend.allCases)
    func liveCounter(backend: Backend) throws {
        let guest = try Instance(backend).mount()
        defer { guest.stop() }
        let first = guest.read("net/eth0/rx_bytes")
        #expect(first.last == "\n")
        let firstValue = try #require(UInt64(first.dropLast()), "not a decimal number: \(first.debugDescription)")
        // Read again until it moves (a running NIC's counter does, however loaded the machine);
        // every value read on the way must be a number no smaller than the one before.
        var last = firstValue
        var fell = false
        let moved = Shell.eventually(within: 30) {
            guard let value = UInt64(guest.read("net/eth0/rx_bytes").dropLast()) else { return false }
            fell = fell || value < last
            last = max(last, value)
            return value != firstValue
        }
        #expect(moved, "rx_bytes stayed at \(firstValue)")
        #expect(!fell, "rx_bytes fell below a value read before it")
    }

    @Test("the standard tools read values: head, awk, read, grep, tail", arguments: Backend.allCases)
    func standardTools(backend: Backend) throws {
        let guest = try Instance(backend).mount()
        defer { guest.stop() }
        #expect(guest.sh("head -c 1 \"$M/libukprint/console_lvl\"").stdout == "3")
        #expect(guest.sh("awk '{ print $1 * 2 }' \"$M/libukprint/console_lvl\"").stdout == "6\n")
        #expect(guest.sh("read v < \"$M/libukprint/console_lvl\" && echo \"got $v\"").stdout == "got 3\n")
        #expect(guest.sh("grep -c . \"$M/appsim/hostname\"").stdout == "1\n")
        #expect(guest.sh("tail -n1 \"$M/appsim/hostname\"").stdout == "unikraft\n")
        let grep = guest.sh("grep -r . \"$M/libukalloc\" | wc -l")
        #expect(grep.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "11", "\(grep)")
    }

    @Test("stat: size 0, 0444 read-only, 0644 with a setter, 0555 directories", arguments: Backend.allCases)
    func attributes(backend: Backend) throws {
        let guest = try Instance(backend).mount()
        defer { guest.stop() }
        #expect(guest.sh("stat -c '%s %a %F' \"$M/libukalloc/cur_mem_free\"").stdout == "0 444 regular empty file\n")
        #expect(guest.sh("stat -c '%s %a' \"$M/libukprint/console_lvl\"").stdout == "0 644\n")
        #expect(guest.sh("stat -c '%a %F' \"$M/libuknetdev\"").stdout == "555 directory\n")
        #expect(guest.sh("stat -c '%F' \"$M/net\"").stdout == "symbolic link\n")
    }

    @Test("objects appear and vanish within 1 s of netdev_count changing", arguments: Backend.allCases)
    func liveStructure(backend: Backend) throws {
        let guest = try Instance(backend).mount()
        defer { guest.stop() }
        // The kernel caches names: look them up first so that invalidation, not luck, is tested.
        #expect(guest.sh("stat \"$M/net/netdev0\" \"$M/net/eth0/rx_bytes\" >/dev/null").status == 0)
        #expect(guest.sh("stat \"$M/net/netdev2\"").status != 0)
        #expect(guest.sh("echo 3 > \"$M/appsim/netdev_count\"").status == 0)
        #expect(Shell.eventually(within: 1) { guest.sh("stat \"$M/net/netdev2\" >/dev/null").status == 0 })
        #expect(guest.sh("ls \"$M/net\"").stdout == "eth0\neth1\neth2\nnetdev0\nnetdev1\nnetdev2\n")
        #expect(guest.sh("cat \"$M/net/eth2/rx_bytes\"").status == 0)
        #expect(guest.sh("echo 1 > \"$M/appsim/netdev_count\"").status == 0)
        #expect(
            Shell.eventually(within: 1) {
                guest.sh("stat \"$M/net/netdev2\"").stderr.contains("No such file or directory")
            })
        #expect(guest.sh("stat \"$M/net/eth2\"").status != 0)
        #expect(guest.sh("ls \"$M/net\"").stdout == "eth0\nnetdev0\n")
        #expect(Int(guest.read(".ukfs/generation").dropLast()) ?? 0 >= 5)
    }

    @Test("a library whose last object goes leaves the root, with its alias, and comes back", arguments: Backend.allCases)
    func libraryEmpties(backend: Backend) throws {
        let guest = try Instance(backend).mount()
        defer { guest.stop() }
        #expect(guest.sh("stat \"$M/net/eth0\" >/dev/null").status == 0)
        #expect(guest.sh("echo 0 > \"$M/appsim/netdev_count\"").status == 0)
        #expect(Shell.eventually(within: 1) { !guest.sh("ls \"$M\"").stdout.contains("libuknetdev") })
        #expect(guest.sh("stat \"$M/net\"").stderr.contains("No such file or directory"))
        #expect(guest.sh("echo 2 > \"$M/appsim/netdev_count\"").status == 0)
        #expect(Shell.eventually(within: 1) { guest.sh("ls \"$M/net\"").stdout == "eth0\neth1\nnetdev0\nnetdev1\n" })
    }

    @Test("console_lvl: set, out of range, invalid", arguments: Backend.allCases)
    func setters(backend: Backend) throws {
        let guest = try Instance(backend).mount()
        defer { guest.stop() }
        #expect(guest.sh("echo 7 > \"$M/libukprint/console_lvl\"").status == 0)
        #expect(guest.read("libukprint/console_lvl") == "7\n")
        let tooBig = guest.sh("echo 300 > \"$M/libukprint/console_lvl\"")
        #expect(tooBig.status != 0)
        #expect(tooBig.stderr.contains("Numerical result out of range"), "\(tooBig)")
        #expect(guest.read("libukprint/console_lvl") == "7\n")
        let nonsense = guest.sh("echo abc > \"$M/libukprint/console_lvl\"")
        #expect(nonsense.stderr.contains("Invalid argument"), "\(nonsense)")
        #expect(guest.sh("printf 0x05 > \"$M/print/console_lvl\"").status == 0)
        #expect(guest.read("libukprint/console_lvl") == "5\n")
    }

    // As root, where permission bits do not stop a write: the refusal must come from ukfs itself.
    @Test("a read-only entry refuses a write, root's included", .enabled(if: getuid() == 0), arguments: Backend.allCases)
    func readOnlyRefusesRoot(backend: Backend) throws {
        let guest = try Instance(backend).mount()
        defer { guest.stop() }
        let readOnly = guest.sh("echo 5 > \"$M/libukalloc/cur_mem_free\"")
        #expect(readOnly.stderr.contains("Permission denied"), "\(readOnly)")
    }

    @Test("a charp setter: text in, text out, and its own ERANGE", arguments: Backend.allCases)
    func hostname(backend: Backend) throws {
        let guest = try Instance(backend).mount()
        defer { guest.stop() }
        #expect(guest.sh("echo web-1 > \"$M/appsim/hostname\"").status == 0)
        #expect(guest.read("appsim/hostname") == "web-1\n")
        let long = String(repeating: "x", count: 64)
        let refused = guest.sh("echo \(long) > \"$M/appsim/hostname\"")
        #expect(refused.stderr.contains("Numerical result out of range"), "\(refused)")
        #expect(guest.read("appsim/hostname") == "web-1\n")
    }

    @Test("find reads every file without an error", arguments: Backend.allCases)
    func findReadsEverything(backend: Backend) throws {
        let guest = try Instance(backend).mount()
        defer { guest.stop() }
        let result = guest.sh("find \"$M\" -type f -exec cat {} + > /dev/null")
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty)
        let count = guest.sh("find \"$M\" -type f | wc -l").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        // 11 ukalloc + 2+2 ukfalloc + 8 netdev0 + 1 ukprint + 12 uksched + 3 appsim + 8 .ukfs
        #expect(count == "47")
    }

    @Test(".ukfs describes the mount", arguments: Backend.allCases)
    func metaFiles(backend: Backend) throws {
        let guest = try Instance(backend).mount()
        defer { guest.stop() }
        #expect(guest.read(".ukfs/name") == "vm1\n")
        #expect(guest.read(".ukfs/state") == "connected\n")
        #expect(guest.read(".ukfs/address") == guest.socket + "\n")
        #expect(guest.read(".ukfs/protocol") == "ukfs-bridge 1\n")
        #expect(guest.read(".ukfs/boot_id").count == 17)
        #expect(guest.read(".ukfs/reconnects") == "0\n")
        // The path the mount takes, as CI runs it: passthrough by default as root, libfuse with it off.
        let off = ProcessInfo.processInfo.environment["UKFS_PASSTHROUGH"] == "off"
        #expect(guest.read(".ukfs/io") == (off ? "libfuse (-o passthrough=off)\n" : "passthrough\n"))
        #expect(guest.sh("echo x > \"$M/.ukfs/name\"").status != 0)
    }

    @Test("the tree cannot be changed from the host", arguments: [Backend.simulator])
    func noStructuralChanges(backend: Backend) throws {
        let guest = try Instance(backend).mount()
        defer { guest.stop() }
        #expect(guest.sh("touch \"$M/libukprint/newfile\"").stderr.contains("Permission denied"))
        #expect(guest.sh("mkdir \"$M/newdir\"").stderr.contains("Permission denied"))
        #expect(guest.sh("rm \"$M/libukprint/console_lvl\"").stderr.contains("Permission denied"))
    }
}
