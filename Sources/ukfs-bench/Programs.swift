import Foundation

/// Runs the tools a benchmark needs (make, find, apt-get, the daemons) as separate processes.
enum Programs {
    struct Output {
        let status: Int32
        let stdout: Data
        var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Runs `arguments` to the end, capturing stdout (stderr is passed through when `verbose`).
    static func run(_ arguments: [String], verbose: Bool = false, environment: [String: String] = [:]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = verbose ? FileHandle.standardError : FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read before waiting: a full pipe would otherwise stall the child.
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: data)
    }

    /// Starts a long-running program (a guest, a daemon in the foreground); its output is dropped,
    /// or written to `outputPath` (stdout and stderr).
    static func start(_ arguments: [String], environment: [String: String] = [:], outputPath: String? = nil) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        if let outputPath {
            guard FileManager.default.createFile(atPath: outputPath, contents: nil),
                let output = FileHandle(forWritingAtPath: outputPath)
            else {
                throw BenchError("cannot write \(outputPath)")
            }
            process.standardOutput = output
            process.standardError = output
        } else {
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
        }
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// SIGTERM, then SIGKILL after `grace` seconds; waits for the exit.
    static func stop(_ process: Process, grace: Double = 5) {
        guard process.isRunning else { return }
        process.terminate()
        if !eventually(within: grace, { !process.isRunning }) {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
    }

    /// Polls `condition` every 10 ms until it holds or `seconds` pass.
    static func eventually(within seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            if condition() { return true }
            usleep(10_000)
        } while Date() < deadline
        return condition()
    }

    /// A program on the PATH, or nil.
    static func which(_ name: String) -> String? {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
