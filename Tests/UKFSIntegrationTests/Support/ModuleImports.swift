import Foundation

/// The modules a Swift source file imports, and the "Never imports:" rules of docs/architecture.md,
/// read the simple way both are written (one `import` a line; one rule line under each module's
/// `### \`Name\`` heading).
enum ModuleImports {
    /// Module names imported by `source`: `import X`, `@testable import X`, `@preconcurrency import
    /// X`, `public import X`, `import struct X.Y` and `import X.Y` all give X.
    static func imports(in source: String) -> Set<String> {
        var modules: Set<String> = []
        for line in source.split(separator: "\n") {
            var words = line.split(separator: " ").map(String.init)
            // Attributes and access levels come before `import`.
            while let first = words.first, first.hasPrefix("@") || accessLevels.contains(first) {
                words.removeFirst()
            }
            guard words.first == "import", words.count >= 2 else { continue }
            let path = declarationKinds.contains(words[1]) && words.count >= 3 ? words[2] : words[1]
            // Not a Swift import: a line of a script in a string literal (`import socket, time`).
            guard path.allSatisfy({ isNameCharacter($0) || $0 == "." }) else { continue }
            if let module = path.split(separator: ".").first { modules.insert(String(module)) }
        }
        return modules
    }

    /// Every module a folder's `.swift` files import (subfolders included); nil when it has none
    /// (a C module such as CFuse3).
    static func imports(ofFolder folder: String) throws -> Set<String>? {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return nil }
        var modules: Set<String>?
        for case let file as String in walker where file.hasSuffix(".swift") {
            let source = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
            modules = (modules ?? []).union(imports(in: source))
        }
        return modules
    }

    /// Module name → what it must never import, from each "Never imports:" line and the
    /// `### \`Name\`` heading above it.
    static func rules(in document: String) -> [String: Set<String>] {
        var rules: [String: Set<String>] = [:]
        var module: String?
        for line in document.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("#") {
                // Only a heading that is exactly one module name in backticks opens a module.
                let title = line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)
                let name = title.dropFirst().dropLast()
                let isModule = title.count > 2 && title.hasPrefix("`") && title.hasSuffix("`") && name.allSatisfy(isNameCharacter)
                module = isModule ? String(name) : nil
            } else if let current = module, line.hasPrefix("Never imports:") {
                rules[current] = Set(backticked(in: line.dropFirst("Never imports:".count)))
            }
        }
        return rules
    }

    private static let accessLevels: Set<String> = ["public", "package", "internal", "fileprivate", "private"]
    private static let declarationKinds: Set<String> = ["struct", "class", "enum", "protocol", "typealias", "func", "let", "var"]

    private static func isNameCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_" || character == "-"
    }

    /// The words of a line written between backticks.
    private static func backticked(in text: Substring) -> [String] {
        text.split(separator: "`", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }
}
