import ArgumentParser

/// `ukfs manual`: prints ukfs(1), the manual page scripts/install puts in place. Written by ukfs
/// itself rather than argument-parser's generate-manual plugin, which cannot give ukfs's own exit
/// statuses, drops every non-ASCII character (— … →) and writes a page for ukfs-bench too.
struct ManualCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manual",
        abstract: "Print the ukfs(1) manual page (roff), as scripts/install installs it.")

    func run() async throws {
        try await reportingErrors {
            let info: ToolInfo
            do { info = try ToolInfo.ofThisProgram() } catch {
                throw CLIError("cannot read ukfs's own description (--experimental-dump-help): \(error)")
            }
            StandardStreams.out(ManPage.render(info, version: Ukfs.version))
        }
    }
}
