import Foundation

/// One vector of docs/vectors/protocol-v1.txt (format: docs/protocol.md §9).
struct ProtocolVector: CustomStringConvertible, Sendable {
    var name = ""
    var toGuest = true
    var maxPayload = 65535
    var stream: [UInt8] = []
    var messages: [String] = []
    var description: String { name }

    static let all: [ProtocolVector] = load()

    static var file: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/vectors/protocol-v1.txt")
    }

    private static func load() -> [ProtocolVector] {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return [] }
        var vectors: [ProtocolVector] = []
        var current = ProtocolVector()
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let (keyword, rest) = split(line)
            switch keyword {
            case "vector": current = ProtocolVector(name: rest)
            case "dir": current.toGuest = rest == "to-guest"
            case "max": current.maxPayload = Int(rest) ?? 65535
            case "hex":
                for pair in rest.split(separator: " ") { current.stream.append(UInt8(pair, radix: 16) ?? 0) }
            case "msg": current.messages.append(rest)
            case "end": vectors.append(current)
            default: break
            }
        }
        return vectors
    }

    private static func split(_ line: Substring) -> (String, String) {
        guard let space = line.firstIndex(of: " ") else { return (String(line), "") }
        return (String(line[..<space]), String(line[line.index(after: space)...]))
    }
}
