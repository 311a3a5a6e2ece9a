import Foundation
import Testing

/// The QEMU command lines we hand to users start Debian's QEMU as written: every script in
/// examples/qemu/ and every `qemu-system-x86_64` line in the docs is started for real, halted before
/// the first instruction (`-S`, so no guest image is needed), and must create its chardev socket.
/// A line QEMU rejects (as `-nographic … -serial stdio` once was) exits at once and fails here.
@Suite("QEMU command lines")
struct QemuCommandLineTests {
    static let documents = ["README.md", "examples/unikraft/README.md"]
    static let documentedKernel = "build/app_qemu-x86_64"
    static let documentedSocket = "/run/ukfs/vm1.sock"

    @Test("each examples/qemu script starts QEMU and creates the instance's socket in the registry")
    func scripts() throws {
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let kernel = try Self.haltedKernel(in: folder)
        let scripts = try FileManager.default.contentsOfDirectory(atPath: ExamplesTests.examples + "/qemu")
            .filter { $0.hasSuffix(".sh") }
        #expect(!scripts.isEmpty)
        for script in scripts {
            let registry = folder + "/registry-" + script
            let qemu = try BackgroundProcess([ExamplesTests.examples + "/qemu/" + script, kernel, "vm1", "-S"],
                                             environment: ["UKFS_RUNTIME_DIR": registry],
                                             outputPath: folder + "/" + script + ".out")
            defer { qemu.stop() }
            #expect(Self.socketAppears(registry + "/vm1.sock", while: qemu), "\(script): \(qemu.output)")
        }
    }

    @Test("every qemu-system-x86_64 line in the docs starts QEMU as written")
    func documentedLines() throws {
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let kernel = try Self.haltedKernel(in: folder)
        var seen = 0
        for document in Self.documents {
            let text = try String(contentsOfFile: Paths.packageRoot + "/" + document, encoding: .utf8)
            for (index, line) in Self.qemuCommands(in: text).enumerated() {
                seen += 1
                let socket = "\(folder)/doc\(seen).sock"
                let command = line.replacingOccurrences(of: Self.documentedKernel, with: kernel)
                    .replacingOccurrences(of: Self.documentedSocket, with: socket)
                #expect(command.contains(socket), "\(document) line \(index + 1) names no \(Self.documentedSocket): \(line)")
                let qemu = try BackgroundProcess(["/bin/bash", "-c", "exec " + command + " -S"], environment: [:],
                                                 outputPath: "\(folder)/doc\(seen).out")
                defer { qemu.stop() }
                #expect(Self.socketAppears(socket, while: qemu), "\(document): \(line)\n\(qemu.output)")
            }
        }
        #expect(seen >= 2, "expected QEMU lines in \(Self.documents)")
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

    /// Waits for QEMU to create its chardev socket; false if it exits (rejected its arguments) or
    /// never creates it.
    static func socketAppears(_ path: String, while qemu: BackgroundProcess) -> Bool {
        Shell.eventually(within: 20) {
            var status: Int32 = 0
            if waitpid(qemu.pid, &status, WNOHANG) == qemu.pid { return true }   // exited: judged below
            var info = stat()
            return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFSOCK
        } && kill(qemu.pid, 0) == 0
    }

    static func scratchFolder() throws -> String {
        var template = Array("/tmp/ukfs-qemu-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw FixtureError("mkdtemp failed") }
        return String(cString: made)
    }

    /// A multiboot image that QEMU loads but, halted by -S, never runs: a header whose flags ask for
    /// the address fields (the "a.out kludge"), so no ELF is needed, then `hlt` bytes.
    static func haltedKernel(in folder: String) throws -> String {
        let magic: UInt32 = 0x1BAD_B002, flags: UInt32 = 0x0001_0000
        let fields: [UInt32] = [magic, flags, 0 &- (magic &+ flags),
                                0x0010_0000, 0x0010_0000, 0, 0, 0x0010_0020]
        var bytes = fields.flatMap { value in (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        bytes += [UInt8](repeating: 0xf4, count: 32)
        let path = folder + "/halted.multiboot"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}
