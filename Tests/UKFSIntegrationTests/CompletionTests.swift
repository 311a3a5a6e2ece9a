import Foundation
import Testing

/// Completion as bash runs it: the script `ukfs --generate-completion-script bash` prints is
/// sourced, COMP_WORDS/COMP_CWORD/COMP_LINE/COMP_POINT are set for a command line, the completion
/// function is called as `complete -F` would, and COMPREPLY is what bash would offer.
@Suite("Shell completion")
struct CompletionTests {
    /// COMPREPLY for each command line (the last word is the one being completed), in order.
    static func complete(_ guest: Instance, _ lines: [[String]], path: String = "") throws -> [[String]] {
        let script = guest.folder + "/ukfs.bash"
        let generated = Shell.run([Paths.ukfs, "--generate-completion-script", "bash"])
        guard generated.status == 0 else { throw FixtureError("no completion script: \(generated)") }
        try generated.stdout.write(toFile: script, atomically: true, encoding: .utf8)
        let folder = URL(fileURLWithPath: Paths.ukfs).deletingLastPathComponent().path
        var harness = """
            export PATH='\(path)\(folder)':"$PATH"
            source '\(script)'
            complete_line() {
                COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
                local function; function=$(complete -p ukfs | sed 's/.*-F \\([^ ]*\\) .*/\\1/')
                "$function" ukfs "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
                echo "${COMPREPLY[*]}"
            }

            """
        for words in lines { harness += "complete_line " + words.map { "'\($0)'" }.joined(separator: " ") + "\n" }
        let result = Shell.run(harness, environment: guest.environment, timeout: 60)
        guard result.status == 0 else { throw FixtureError("bash completion failed: \(result)") }
        return result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            .map { $0.split(separator: " ").map(String.init) }
    }

    @Test("instances after `ukfs get `, entries after `ukfs get vm1 ne`, -o options, from the guest itself")
    func fromTheGuest() throws {
        let guest = try Instance()
        defer { guest.stop() }
        try guest.startGuest()
        // A stand-in kraft whose `kraft ps` lists one machine, as TransportTests' does.
        let bin = guest.folder + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try "#!/bin/sh\n[ \"$1\" = ps ] || exit 2\necho '[{\"machine id\":\"0a1b2c\",\"name\":\"web\"}]'\n"
            .write(toFile: bin + "/kraft", atomically: true, encoding: .utf8)
        chmod(bin + "/kraft", 0o755)
        let replies = try Self.complete(
            guest,
            [
                ["ukfs", "get", ""],
                ["ukfs", "get", "vm1", "ne"],
                ["ukfs", "get", "vm1", "net/eth0/rx_b"],
                ["ukfs", "watch", "vm1", "net/eth0/rx_bytes", "memory/cur_mem_f"],
                ["ukfs", "set", "vm1", "print/con"],
                ["ukfs", "mount", "vm1", guest.mountpoint, "-o", "ro,wa"],
                ["ukfs", "mount", "v"],
                ["ukfs", "ex"],
                ["ukfs", "to"],
                ["ukfs", "top", "v"],
                ["ukfs", "top", "--sort", "mem"],
            ], path: bin + ":")
        #expect(replies.count == 11, "\(replies)")
        guard replies.count == 11 else { return }
        #expect(replies[0] == ["vm1", "web"], "registry, then KraftKit")
        #expect(replies[1].contains("net/eth0/") && replies[1].allSatisfy { $0.hasPrefix("net/") }, "\(replies[1])")
        #expect(replies[2] == ["net/eth0/rx_bytes"])
        #expect(replies[3] == ["memory/cur_mem_free"])
        #expect(replies[4] == ["print/console_lvl"])
        #expect(replies[5] == ["ro,wait"])
        #expect(replies[6] == ["vm1"])
        #expect(replies[7] == ["export"])
        #expect(replies[8] == ["top"])
        #expect(replies[9] == ["vm1"])
        #expect(replies[10] == ["memory", "memory-total", "memory-percent"], "\(replies[10])")
    }

    @Test("a mounted instance is completed through its mount; umount offers ukfs mountpoints")
    func fromTheMount() throws {
        let guest = try Instance()
        defer { guest.stop() }
        try guest.mount()
        let replies = try Self.complete(
            guest,
            [
                ["ukfs", "umount", ""],
                ["ukfs", "ls", "vm1", "mem"],
                ["ukfs", "dump", "vm1", "libuksched/cpu0/cpu_time_t"],
            ])
        #expect(replies.count == 3, "\(replies)")
        guard replies.count == 3 else { return }
        #expect(replies[0].contains(guest.mountpoint), "\(replies[0])")
        // Only ukfs mounts (other tests' come and go meanwhile, so none that is not one is checked for).
        #expect(!replies[0].contains("/") && !replies[0].contains("/proc") && !replies[0].contains("/dev"), "\(replies[0])")
        #expect(replies[1].contains("memory/cur_mem_free") && replies[1].allSatisfy { $0.hasPrefix("memory/") }, "\(replies[1])")
        #expect(replies[2] == ["libuksched/cpu0/cpu_time_total"])
    }
}
