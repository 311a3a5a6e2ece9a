import Foundation

/// ukfs(1) in man(7) roff: the commands and their arguments as `--help` gives them, and the
/// sections only ukfs can write — mount options, addresses, its own exit statuses. Text stays
/// UTF-8 (man-db's preconv renders — and … as they are); only roff's own characters are escaped.
enum ManPage {
    static func render(_ info: ToolInfo, version: String) -> String {
        var page = Roff()
        page.line(".TH UKFS 1 \"\" \"ukfs \(version)\" \"User Commands\"")
        // Left-aligned and unhyphenated: paths, addresses and options must read as typed.
        page.line(".ad l")
        page.line(".nh")
        page.section("NAME")
        // "ukfs \- …" (text's "-" is written \-): the form lexgrog, whatis and apropos read.
        page.text("ukfs - " + (info.command.abstract ?? ""))
        page.section("SYNOPSIS")
        for command in visible(info.command.subcommands) {
            page.line(".B " + Roff.escape("ukfs " + command.commandName))
            page.text(synopsis(command))
            page.line(".br")
        }
        page.line(".B ukfs")
        page.text("SOURCE MOUNTPOINT [-o OPTIONS]    (as mount.fuse3 runs it: ukfs mount)")
        page.section("DESCRIPTION")
        page.paragraphs(info.command.discussion ?? "")
        page.paragraphs(Sections.description)
        page.section("COMMANDS")
        for command in visible(info.command.subcommands) {
            page.line(".SS " + Roff.quoted("ukfs " + command.commandName))
            page.paragraphs(command.abstract ?? "")
            page.paragraphs(command.discussion ?? "")
            for argument in command.arguments ?? [] where argument.shouldDisplay != false && !isStandard(argument) {
                page.line(".TP")
                page.line(".B " + Roff.escape(label(argument)))
                page.text((argument.abstract ?? "") + (argument.defaultValue.map { " (default: \($0))" } ?? ""))
            }
        }
        for (title, body) in Sections.trailing {
            page.section(title)
            page.entries(body)
        }
        return page.text
    }

    static func visible(_ commands: [ToolInfo.Command]?) -> [ToolInfo.Command] {
        (commands ?? []).filter { $0.shouldDisplay != false && $0.commandName != "help" }
    }

    /// --help and --version: on every command, said once in DESCRIPTION.
    static func isStandard(_ argument: ToolInfo.Argument) -> Bool {
        argument.names?.contains { $0.name == "help" || $0.name == "version" } == true
    }

    /// `instance` → `INSTANCE`, `log-level` → `LOG_LEVEL`.
    static func value(_ argument: ToolInfo.Argument) -> String {
        (argument.valueName ?? "value").uppercased().replacingOccurrences(of: "-", with: "_")
    }

    /// `-o OPTIONS`, `--all`, `INSTANCE`.
    static func label(_ argument: ToolInfo.Argument) -> String {
        let value = value(argument)
        switch argument.kind {
        case .positional: return value
        case .flag: return (argument.names ?? []).map(\.spelled).joined(separator: ", ")
        case .option: return (argument.names ?? []).map { $0.spelled + " " + value }.joined(separator: ", ")
        }
    }

    static func synopsis(_ command: ToolInfo.Command) -> String {
        (command.arguments ?? []).filter { $0.shouldDisplay != false && !isStandard($0) }.map { argument in
            let name = argument.names?.first?.spelled ?? ""
            let shown =
                switch argument.kind {
                case .positional: label(argument)
                case .option: name + " " + value(argument)
                case .flag: name
                }
            let repeated = argument.isRepeating == true ? shown + "\u{2026}" : shown
            return argument.isOptional == true || argument.kind != .positional ? "[\(repeated)]" : repeated
        }.joined(separator: " ")
    }
}

/// A roff document being written.
struct Roff {
    private(set) var text = ""

    mutating func line(_ line: String) { text += line + "\n" }

    mutating func section(_ title: String) { line(".SH " + Roff.quoted(title)) }

    /// Prose: each non-empty line escaped, a blank line a new paragraph.
    mutating func paragraphs(_ prose: String) {
        guard !prose.isEmpty else { return }
        line(".PP")
        for piece in prose.split(separator: "\n", omittingEmptySubsequences: false) {
            piece.trimmingCharacters(in: .whitespaces).isEmpty ? line(".PP") : self.text(String(piece))
        }
    }

    mutating func text(_ prose: String) { line(Roff.escape(prose)) }

    /// A tagged list: a term, then what it means.
    mutating func entries(_ items: [(String, String)]) {
        for (term, meaning) in items {
            if term.isEmpty { paragraphs(meaning); continue }
            line(".TP")
            line(".B " + Roff.escape(term))
            text(meaning)
        }
    }

    /// roff's own characters made literal: backslash, a leading dot or quote, and - as a minus
    /// (so options copied from the page are the ASCII hyphen-minus).
    static func escape(_ text: String) -> String {
        var escaped = text.replacingOccurrences(of: "\\", with: "\\e").replacingOccurrences(of: "-", with: "\\-")
        if escaped.hasPrefix(".") || escaped.hasPrefix("'") { escaped = "\\&" + escaped }
        return escaped
    }

    static func quoted(_ text: String) -> String {
        "\"" + escape(text).replacingOccurrences(of: "\"", with: "\\(dq") + "\""
    }
}
