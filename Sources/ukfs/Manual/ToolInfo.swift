import Foundation

/// The parts of argument-parser's `--experimental-dump-help` description of ukfs that the manual
/// page uses: every command with its abstract, discussion and arguments, as `--help` shows them.
struct ToolInfo: Decodable {
    let command: Command

    struct Command: Decodable {
        let commandName: String
        let abstract: String?
        let discussion: String?
        let shouldDisplay: Bool?
        let subcommands: [Command]?
        let arguments: [Argument]?
    }

    struct Argument: Decodable {
        enum Kind: String, Decodable { case positional, option, flag }
        struct Name: Decodable {
            let kind: String
            let name: String
            /// `--all`, `-f`.
            var spelled: String { kind == "short" ? "-" + name : kind == "longWithSingleDash" ? "-" + name : "--" + name }
        }
        let kind: Kind
        let names: [Name]?
        let valueName: String?
        let abstract: String?
        let discussion: String?
        let isOptional: Bool?
        let isRepeating: Bool?
        let shouldDisplay: Bool?
        let defaultValue: String?
    }

    /// What this very ukfs says about itself, from a copy of it run with --experimental-dump-help.
    static func ofThisProgram() throws -> ToolInfo {
        let process = Process()
        process.executableURL = URL(
            fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                ?? CommandLine.arguments[0])
        process.arguments = ["--experimental-dump-help"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try JSONDecoder().decode(ToolInfo.self, from: data)
    }
}
