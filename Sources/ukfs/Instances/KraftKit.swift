import Foundation

/// Names of machines KraftKit runs (`kraft run --name vm1`), found by asking `kraft` itself: its
/// machine store is a locked database we must not open. A machine's bridge is expected as
/// `ukfs.sock` in its runtime folder (`~/.local/share/kraftkit/runtime/<id>/`, beside KraftKit's own
/// `qemu_control.sock`), since `kraft run` cannot yet add the second port itself.
enum KraftKit {
    enum Lookup {
        case found(id: String, socket: String)
        /// Why not, as one clause for the "what was tried" message.
        case notFound(String)
    }

    static func lookup(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> Lookup {
        guard let kraft = executable("kraft", path: environment["PATH"] ?? "") else {
            return .notFound("kraft is not on PATH, so KraftKit was not asked")
        }
        let output: Data
        switch run(kraft, ["ps", "--long", "-o", "json"]) {
        case .success(let data): output = data
        case .failure(let why): return .notFound("`kraft ps` failed: \(why)")
        }
        let machines = parse(output)
        guard let machine = machines.first(where: { $0.name == name || $0.id == name }) else {
            return .notFound("`kraft ps` lists no machine named or with id '\(name)'")
        }
        let runtime =
            environment["UKFS_KRAFT_RUNTIME_DIR"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share/kraftkit/runtime"
        let socket = runtime + "/" + machine.id + "/ukfs.sock"
        return .found(id: machine.id, socket: socket)
    }

    /// The names of the machines `kraft ps` lists (for completion); none when kraft is not on PATH.
    static func machineNames(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        guard let kraft = executable("kraft", path: environment["PATH"] ?? ""),
            case .success(let output) = run(kraft, ["ps", "--long", "-o", "json"])
        else { return [] }
        return parse(output).map(\.name).filter { !$0.isEmpty }
    }

    struct Machine {
        let id: String
        let name: String
    }

    /// `kraft ps -o json` prints an array of machines whose keys follow its table's columns
    /// (`name`, `machine id` or `id`, …); keys are compared loosely so either spelling works.
    static func parse(_ data: Data) -> [Machine] {
        guard let json = try? JSONSerialization.jsonObject(with: data) else { return [] }
        let items: [Any] = (json as? [Any]) ?? ((json as? [String: Any])?["items"] as? [Any]) ?? []
        return items.compactMap { item in
            guard let object = item as? [String: Any] else { return nil }
            var fields: [String: String] = [:]
            for (key, value) in object {
                let normalized = key.lowercased().filter { $0.isLetter }
                if let text = value as? String { fields[normalized] = text }
            }
            guard let id = fields["machineid"] ?? fields["id"] ?? fields["uid"], !id.isEmpty,
                id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
            else { return nil }
            return Machine(id: id, name: fields["name"] ?? "")
        }
    }

    private static func executable(_ name: String, path: String) -> String? {
        for folder in path.split(separator: ":") where !folder.isEmpty {
            let candidate = folder + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs a program to completion; its stdout, or a short reason. Bounded: a hung `kraft` must
    /// not hang ukfs.
    private static func run(_ program: String, _ arguments: [String]) -> Result<Data, KraftError> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return .failure(KraftError("\(error)")) }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return .failure(KraftError("exit status \(process.terminationStatus)")) }
        return .success(data)
    }

    struct KraftError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
