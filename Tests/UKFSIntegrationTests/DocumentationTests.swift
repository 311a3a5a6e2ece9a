import Foundation
import Testing

/// The documentation says exactly what happens: usage errors and their exit 64, every address
/// form wherever an address is asked for, and a manual page of ukfs's own, read by the real man.
@Suite("Help, usage errors and the manual page")
struct DocumentationTests {
    static let forms = ["unix:PATH", "tcp:HOST:PORT", "vsock:CID:PORT", "fc-vsock:PATH:PORT"]

    @Test("every help text that takes an instance gives every address form")
    func addressForms() {
        for command in [[], ["mount"], ["ls"], ["get"], ["set"], ["watch"], ["dump"], ["export"]] {
            let help = Shell.run([Paths.ukfs] + command + ["--help"])
            #expect(help.status == 0)
            // Help wraps at spaces; the forms have none, so each is whole on some line.
            for form in Self.forms {
                #expect(help.stdout.contains(form), "ukfs \(command.joined()) --help lacks \(form)")
            }
        }
    }

    @Test("a usage error is argument-parser's three lines and exit 64; the README says so")
    func usageErrors() throws {
        for arguments in [
            ["mount", "vm1"], ["get"], ["mount", "--all", "/a", "/b"], ["export"], ["watch", "vm1", "x", "--count", "many"],
        ] {
            let result = Shell.run([Paths.ukfs] + arguments)
            let lines = result.stderr.split(separator: "\n")
            #expect(
                result.status == 64 && lines.first?.hasPrefix("Error: ") == true
                    && lines.contains { $0.hasPrefix("Usage: ukfs ") }, "\(arguments): \(result)")
        }
        let readme = try String(contentsOfFile: Paths.packageRoot + "/README.md", encoding: .utf8)
        #expect(readme.contains("**exit status 64**"))
        #expect(!readme.contains("generate-manual"), "the README no longer writes ukfs-bench.1 too")
    }

    @Test("ukfs manual is a page man renders without warnings, with ukfs's EXIT STATUS and every character")
    func manualPage() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ukfs-man-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let page = Shell.run([Paths.ukfs, "manual"])
        #expect(page.status == 0 && page.stdout.hasPrefix(".TH UKFS 1 "), "\(page.stderr)")
        try page.stdout.write(toFile: folder + "/ukfs.1", atomically: true, encoding: .utf8)
        let rendered = Shell.run(
            "MANWIDTH=100 man --warnings -l '\(folder)/ukfs.1' | col -b",
            environment: ["LANG": "C.UTF-8", "MAN_KEEP_FORMATTING": ""])
        #expect(rendered.status == 0 && rendered.stderr.isEmpty, "\(rendered.stderr)")
        let text = rendered.stdout
        for expected in [
            "EXIT STATUS", "64 (EX_USAGE)", "34 (ERANGE)", "2 (ENOENT)", "130", "MOUNT OPTIONS",
            "ADDRESSES", "fc-vsock:PATH:PORT", "x-systemd.automount", "ukfs umount",
            // Characters argument-parser's own generator drops.
            "(MOUNTPOINT/NAME/…)", "path → value",
            // NAME as lexgrog reads it (roff's \-), and FILES naming the registry's files.
            "ukfs - Mount a running", "/run/ukfs/NAME.sock", "/run/ukfs/NAME.lock", "/run/ukfs/NAME.share", "/dev/log",
        ] {
            #expect(text.contains(expected), "the rendered page lacks \(expected)")
        }
        #expect(!text.contains("ukfs-bench"), "a page for ukfs only")
        #expect(page.stdout.contains("\nukfs \\- Mount a running"), "the NAME line's dash is roff's \\-")
        #expect(Shell.run([Paths.ukfs, "--help"]).stdout.contains("  manual "), "ukfs manual is listed in --help")
        // Options on the page are ASCII hyphen-minus, so they can be copied into a shell.
        #expect(text.contains("mount -t fuse.ukfs vm1 /mnt/uk -o nosuid,nodev,ro"))
    }

    @Test("after scripts/install, lexgrog reads the page and whatis finds ukfs; --uninstall leaves the prefix as it was")
    func whatisAndUninstall() throws {
        let guest = try Instance()
        defer { guest.stop() }
        let prefix = guest.folder + "/prefix"
        // A folder that was there before, with someone else's page: the uninstall keeps both.
        try FileManager.default.createDirectory(atPath: prefix + "/share/man/man1", withIntermediateDirectories: true)
        try ".TH OTHER 1\n".write(toFile: prefix + "/share/man/man1/other.1", atomically: true, encoding: .utf8)
        let before = Shell.run("cd '\(prefix)' && find . | sort").stdout
        _ = try MountHelperTests.install(guest)
        let page = prefix + "/share/man/man1/ukfs.1"
        let lexgrog = Shell.run(["/usr/bin/lexgrog", page])
        #expect(lexgrog.status == 0 && lexgrog.stdout.contains("ukfs.1: \"ukfs - Mount a running"), "\(lexgrog)")
        // mandb's index goes beside the pages it indexes: index a copy, not the prefix.
        let copy = guest.folder + "/man-copy"
        let whatis = Shell.run(
            "cp -r '\(prefix)/share/man' '\(copy)' && mandb -q '\(copy)' && whatis -M '\(copy)' ukfs", timeout: 60)
        #expect(whatis.status == 0 && whatis.stdout.hasPrefix("ukfs (1)"), "\(whatis)")
        let uninstall = Shell.run(["\(Paths.packageRoot)/scripts/install", "--prefix", prefix, "--uninstall"], timeout: 60)
        #expect(uninstall.status == 0, "\(uninstall)")
        let after = Shell.run("cd '\(prefix)' && find . | sort").stdout
        #expect(after == before, "left behind or removed: \(after) vs \(before)")
        let again = Shell.run(["\(Paths.packageRoot)/scripts/install", "--prefix", prefix, "--uninstall"], timeout: 60)
        #expect(again.status == 1 && again.stderr.hasPrefix("install: nothing to uninstall"), "\(again)")
    }

    @Test("every Swift module under Sources/ has its paragraph in docs/architecture.md and imports nothing it forbids")
    func moduleRules() throws {
        let document = try String(contentsOfFile: Paths.packageRoot + "/docs/architecture.md", encoding: .utf8)
        let rules = ModuleImports.rules(in: document)
        let sources = Paths.packageRoot + "/Sources"
        var checked = 0
        for module in try FileManager.default.contentsOfDirectory(atPath: sources).sorted() {
            guard let imported = try ModuleImports.imports(ofFolder: sources + "/" + module) else { continue }
            // Every module imports something, so an empty set means the reading went wrong.
            #expect(!imported.isEmpty, "no import found in Sources/\(module)")
            guard let forbidden = rules[module] else {
                Issue.record("docs/architecture.md has no \"### `\(module)`\" paragraph with a \"Never imports:\" line")
                continue
            }
            let broken = imported.intersection(forbidden).sorted()
            #expect(broken.isEmpty, "Sources/\(module) imports \(broken), which docs/architecture.md says it never does")
            checked += 1
        }
        #expect(checked >= 7, "only \(checked) modules checked")
        // A rule for a module that is gone is a stale map.
        for module in rules.keys {
            let exists = FileManager.default.fileExists(atPath: sources + "/" + module)
            #expect(exists, "docs/architecture.md has rules for \(module), not in Sources/")
        }
    }

    @Test("scripts/install installs ukfs.1 and no other page")
    func installsOnePage() throws {
        let guest = try Instance()
        defer { guest.stop() }
        let prefix = try MountHelperTests.install(guest)
        let pages = try FileManager.default.contentsOfDirectory(atPath: prefix + "/share/man/man1")
        #expect(pages == ["ukfs.1"])
    }
}
