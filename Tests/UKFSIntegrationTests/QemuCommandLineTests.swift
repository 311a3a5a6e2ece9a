import Foundation
import Testing

/// The QEMU command lines we hand to users start Debian's QEMU as written: every script in
/// examples/qemu/ and every `qemu-system-x86_64` line in the docs is started for real, halted before
/// the first instruction (`-S`, so no guest image is needed). Once its chardev socket exists, the test
/// types into the monitor on stdio as a user would (Ctrl-A c, `info status`, `quit`): QEMU answers
/// `paused (prelaunch)` only once start-up is over, so a line QEMU rejects (as `-nographic … -serial
/// stdio` once was) fails here even though QEMU creates the socket before it reaches the error.
/// Nothing is added to the line that could change QEMU's defaults (a `-qmp` option, for one, would
/// remove the default monitor and with it that very error).
@Suite("QEMU command lines")
struct QemuCommandLineTests {
    static let documents = ["README.md", "examples/unikraft/README.md"]
    static let documentedKernel = "build/app_qemu-x86_64"
    static let documentedSocket = "/run/ukfs/vm1.sock"

    @Test(
        "each examples/qemu script, run from another folder with the image's path relative to it, starts QEMU, creates the instance's socket in a private (0700) registry and comes up"
    )
    func scripts() throws {
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let kernel = try Self.haltedKernel(in: folder)
        let relativeKernel = "./" + (kernel as NSString).lastPathComponent
        let scripts = try FileManager.default.contentsOfDirectory(atPath: ExamplesTests.examples + "/qemu")
            .filter { $0.hasSuffix(".sh") }
        #expect(!scripts.isEmpty)
        for script in scripts {
            let registry = folder + "/registry-" + script
            let command = "'\(ExamplesTests.examples)/qemu/\(script)' '\(relativeKernel)' vm1"
            let run = Self.startHalted(
                command, socket: registry + "/vm1.sock", environment: ["UKFS_RUNTIME_DIR": registry], folder: folder)
            #expect(Self.cameUp(run), "\(script): \(run)")
            var info = stat()
            #expect(
                stat(registry, &info) == 0 && info.st_mode & 0o777 == 0o700,
                "\(script): registry mode \(String(info.st_mode & 0o777, radix: 8))")
        }
    }

    @Test("each examples/qemu script given no image, or one that is not there, fails in one line saying what to give")
    func scriptsWithoutImage() throws {
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let scripts = try FileManager.default.contentsOfDirectory(atPath: ExamplesTests.examples + "/qemu")
            .filter { $0.hasSuffix(".sh") }
        for script in scripts {
            let path = ExamplesTests.examples + "/qemu/" + script
            for arguments in [[String](), ["missing-image"]] {
                let run = Shell.run([path] + arguments, environment: ["UKFS_RUNTIME_DIR": folder + "/registry"], timeout: 30)
                let lines = run.stderr.split(separator: "\n")
                #expect(run.status != 0 && lines.count == 1 && lines[0].contains("image"), "\(script) \(arguments): \(run)")
            }
            #expect(!FileManager.default.fileExists(atPath: folder + "/registry"), "\(script) made the registry for nothing")
        }
    }

    @Test("every qemu-system-x86_64 line in the docs starts QEMU as written and comes up")
    func documentedLines() throws {
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let kernel = try Self.haltedKernel(in: folder)
        var seen = 0
        for document in Self.documents {
            let text = try String(contentsOfFile: Paths.packageRoot + "/" + document, encoding: .utf8)
            for line in Self.qemuCommands(in: text) {
                seen += 1
                let socket = "\(folder)/doc\(seen).sock"
                let command = line.replacingOccurrences(of: Self.documentedKernel, with: kernel)
                    .replacingOccurrences(of: Self.documentedSocket, with: socket)
                #expect(command.contains(socket), "\(document) names no \(Self.documentedSocket): \(line)")
                let run = Self.startHalted(command, socket: socket, environment: [:])
                #expect(Self.cameUp(run), "\(document): \(line)\n\(run)")
            }
        }
        #expect(seen >= 2, "expected QEMU lines in \(Self.documents)")
    }

    /// Runs `command -S` with the monitor keystrokes on its stdin, sent once `socket` exists.
    static func startHalted(
        _ command: String, socket: String, environment: [String: String], folder: String? = nil
    ) -> Shell.Output {
        let keys =
            "for i in $(seq 400); do [ -S '\(socket)' ] && break; sleep 0.05; done; "
            + #"printf '\001c'; echo 'info status'; echo quit"#
        let enter = folder.map { "cd '\($0)' && " } ?? ""
        return Shell.run("\(enter){ \(keys); } | exec \(command) -S", environment: environment, timeout: 60)
    }

    static func cameUp(_ run: Shell.Output) -> Bool {
        run.status == 0 && run.stdout.contains("VM status: paused (prelaunch)")
    }

    /// Commands in the documents' code blocks that start with `qemu-system-x86_64`, with their
    /// backslash-continued lines joined.
    static func qemuCommands(in text: String) -> [String] {
        var commands: [String] = []
        var current: String?
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if current == nil, line.hasPrefix("qemu-system-x86_64 ") { current = "" }
            guard let sofar = current else { continue }
            if line.hasSuffix("\\") {
                current = sofar + line.dropLast() + " "
            } else {
                commands.append(sofar + line)
                current = nil
            }
        }
        return commands
    }

    static func scratchFolder() throws -> String {
        var template = Array("/tmp/ukfs-qemu-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw FixtureError("mkdtemp failed") }
        return String(cString: made)
    }

    /// A multiboot image that QEMU loads but, halted by -S, never runs: a header whose flags ask for
    /// the address fields (the "a.out kludge"), so no ELF is needed, then `hlt` bytes.
    static func haltedKernel(in folder: String) throws -> String {
        let magic: UInt32 = 0x1BAD_B002
        let flags: UInt32 = 0x0001_0000
        let fields: [UInt32] = [
            magic, flags, 0 &- (magic &+ flags),
            0x0010_0000, 0x0010_0000, 0, 0, 0x0010_0020,
        ]
        var bytes = fields.flatMap { value in (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        bytes += [UInt8](repeating: 0xf4, count: 32)
        let path = folder + "/halted.multiboot"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}
