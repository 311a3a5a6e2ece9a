import ArgumentParser
import Foundation

/// A failure the user can act on: printed as one `ukfs: …` line on stderr, exit status 1 — or,
/// for the scripting commands, the errno the mount would have given for the same path.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    let status: Int32
    init(_ description: String, status: Int32 = 1) {
        self.description = description
        self.status = status
    }
}

extension AsyncParsableCommand {
    /// Runs `body`, turning a CLIError (or any error) into the one-line message and exit 1.
    func reportingErrors(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as CLIError {
            StandardStreams.err("ukfs: \(error.description)\n")
            throw ExitCode(error.status)
        } catch let error as ExitCode {
            throw error
        } catch {
            StandardStreams.err("ukfs: \(error)\n")
            throw ExitCode(1)
        }
    }
}
