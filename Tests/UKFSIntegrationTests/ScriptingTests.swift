import Foundation
import Testing

/// `ukfs ls/get/set/watch/dump`: the tree without FUSE, with the mount's paths and errnos, against
/// both guests.
@Suite("Scripting commands")
struct ScriptingTests {
    @Test("ls shows what ls on the mount shows: libraries, aliases, objects, entries", arguments: Backend.allCases)
    func ls(backend: Backend) throws {
        let guest = try Instance(backend)
        defer { guest.stop() }
        try guest.startGuest()
        let root = guest.ukfs(["ls", "vm1"])
        #expect(root.status == 0, "\(root)")
        for name in ["libukalloc", "libuknetdev", "libukprint", "libuksched", "appsim", "net", "memory", "print"] {
            #expect(root.stdout.split(separator: "\n").contains(Substring(name)), "ls lacks \(name): \(root.stdout)")
        }
        #expect(guest.ukfs(["ls", "vm1", "net"]).stdout == "eth0\nnetdev0\n")
        #expect(
            guest.ukfs(["ls", "vm1", "net/eth0"]).stdout.split(separator: "\n")
                == ["rx_bytes", "rx_errors", "rx_fifo", "rx_packets", "tx_bytes", "tx_errors", "tx_fifo", "tx_packets"])
        #expect(guest.ukfs(["ls", "vm1", "print/console_lvl"]).stdout == "print/console_lvl\n")
        let long = guest.ukfs(["ls", "-l", "vm1", "libukprint"]).stdout
        #expect(long.contains("u8") && long.contains("rw console_lvl"), "\(long)")
    }

    @Test("get prints one value per line, in the order asked, and --json a JSON object", arguments: Backend.allCases)
    func get(backend: Backend) throws {
        let guest = try Instance(backend)
        defer { guest.stop() }
        try guest.startGuest()
        let result = guest.ukfs(["get", "vm1", "print/console_lvl", "net/eth0/rx_bytes", "libukalloc/cur_mem_free"])
        #expect(result.status == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 3 && lines[0] == "3" && UInt64(lines[1]) != nil && UInt64(lines[2]) != nil, "\(result)")
        let json = guest.ukfs(["get", "--json", "vm1", "print/console_lvl", "net/eth0/rx_bytes"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "\(json)")
        #expect(object["print/console_lvl"] as? Int == 3)
        #expect(object["net/eth0/rx_bytes"] is NSNumber)
    }

    @Test("failures print one line and exit with the mount's errno", arguments: Backend.allCases)
    func errors(backend: Backend) throws {
        let guest = try Instance(backend)
        defer { guest.stop() }
        try guest.startGuest()
        let cases: [(arguments: [String], status: Int32, says: String)] = [
            (["get", "vm1", "net/eth9/rx_bytes"], 2, "vm1: net/eth9/rx_bytes: No such file or directory"),
            (["get", "vm1", "print/console_lvl", "nosuch"], 2, "vm1: nosuch: No such file or directory"),
            (["get", "vm1", "net"], 21, "vm1: net: Is a directory"),
            (["get", "vm1", "print/console_lvl/x"], 20, "Not a directory"),
            (["set", "vm1", "print/console_lvl", "300"], 34, "vm1: print/console_lvl: Numerical result out of range"),
            (["set", "vm1", "print/console_lvl", "abc"], 22, "Invalid argument"),
            (["set", "vm1", "memory/cur_mem_free", "1"], 13, "vm1: memory/cur_mem_free: Permission denied"),
            (["ls", "vm1", "nosuch"], 2, "No such file or directory"),
        ]
        for item in cases {
            let result = guest.ukfs(item.arguments)
            #expect(result.status == item.status, "\(item.arguments): \(result)")
            #expect(result.stdout.isEmpty, "\(item.arguments): \(result)")
            #expect(
                result.stderr.hasPrefix("ukfs: ") && result.stderr.contains(item.says)
                    && result.stderr.split(separator: "\n").count == 1, "\(item.arguments): \(result)")
        }
        #expect(guest.ukfs(["get", "nosuch", "x"]).status == 1)
    }

    @Test("set calls the setter: get, and the mount, see the new value", arguments: Backend.allCases)
    func set(backend: Backend) throws {
        let guest = try Instance(backend)
        defer { guest.stop() }
        try guest.startGuest()
        let result = guest.ukfs(["set", "vm1", "print/console_lvl", "0x7"])
        #expect(result.status == 0 && result.stdout.isEmpty && result.stderr.isEmpty, "\(result)")
        #expect(guest.ukfs(["get", "vm1", "libukprint/console_lvl"]).stdout == "7\n")
        // Objects a setter creates are there for the next command.
        #expect(guest.ukfs(["set", "vm1", "appsim/netdev_count", "2"]).status == 0)
        #expect(guest.ukfs(["ls", "vm1", "net"]).stdout == "eth0\neth1\nnetdev0\nnetdev1\n")
        // A guest has one line, so the mount comes after the commands (a real serial port serves one host).
        try guest.mount()
        #expect(guest.read("print/console_lvl") == "7\n")
    }

    @Test("watch prints each value, then a line per change, and stops at --count", arguments: Backend.allCases)
    func watch(backend: Backend) throws {
        let guest = try Instance(backend)
        defer { guest.stop() }
        try guest.startGuest()
        let result = guest.ukfs(
            ["watch", "vm1", "net/eth0/rx_bytes", "print/console_lvl", "--interval", "0.1", "--count", "4"],
            timeout: 30)
        #expect(result.status == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n").map { $0.split(separator: " ") }
        #expect(lines.count == 4, "\(result)")
        // console_lvl does not change: it appears once; rx_bytes grows on every line it appears.
        #expect(lines.filter { $0.first == "print/console_lvl" }.count == 1, "\(result)")
        let rx = lines.filter { $0.first == "net/eth0/rx_bytes" }.compactMap { UInt64($0[1]) }
        #expect(rx.count == 3 && rx == rx.sorted() && Set(rx).count == 3, "\(result)")
    }

    @Test("dump reads every file of the mount, and --json nests them", arguments: Backend.allCases)
    func dump(backend: Backend) throws {
        let guest = try Instance(backend)
        defer { guest.stop() }
        try guest.startGuest()
        let dump = guest.ukfs(["dump", "vm1"])
        #expect(dump.status == 0, "\(dump)")
        let json = guest.ukfs(["dump", "--json", "vm1"])
        let sub = guest.ukfs(["dump", "vm1", "sched"])
        try guest.mount()
        let paths = Set(dump.stdout.split(separator: "\n").map { String($0.split(separator: " ")[0]) })
        // The mount's readable files, aliases not followed.
        let files = guest.sh("cd \"$M\" && find . -path ./.ukfs -prune -o -type f -perm -0400 -print | sed 's|^\\./||'")
        #expect(paths == Set(files.stdout.split(separator: "\n").map(String.init)), "\(dump.stdout)\n---\n\(files.stdout)")
        let tree = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "\(json)")
        let netdev = (tree["libuknetdev"] as? [String: Any])?["netdev0"] as? [String: Any]
        #expect(netdev?["rx_bytes"] is NSNumber, "\(json.stdout)")
        #expect((tree["libukprint"] as? [String: Any])?["console_lvl"] as? Int == 3)
        #expect(sub.stdout.split(separator: "\n").allSatisfy { $0.hasPrefix("libuksched/cpu") } && !sub.stdout.isEmpty, "\(sub)")
    }

    @Test(
        "dump prints every entry it can when one charp is over max_string (or the protocol's 4096), and reports that one",
        arguments: [HostileGuest.Behaviour.badStrings, .hugeString])
    func dumpAroundBadString(behaviour: HostileGuest.Behaviour) throws {
        let instance = try Instance()
        let guest = try HostileGuest(path: instance.socket, behaviour: behaviour)
        defer { guest.stop(); instance.stop() }
        let dump = instance.ukfs(["dump", "vm1"])
        let lines = dump.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2 && lines.contains("libtest/knob 1") && lines.contains { $0.hasPrefix("libtest/value ") }, "\(dump)")
        #expect(dump.status == EIO && dump.stderr == "ukfs: vm1: libtest/label: Input/output error\n", "\(dump)")
        let json = instance.ukfs(["dump", "--json", "vm1"])
        let tree = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "\(json)")
        #expect((tree["libtest"] as? [String: Any])?["knob"] as? Int == 1, "\(json)")
        #expect(json.status == EIO && json.stderr.contains("libtest/label"), "\(json)")
    }
}
