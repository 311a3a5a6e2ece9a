import ArgumentParser
import Foundation
import Logging
import NIOPosix
import UKBridgeClient

struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the instances in the registry and whether they answer.")

    @Option(help: "How long to wait for each instance, in seconds.")
    var timeout: Double = 1

    func run() async throws {
        let registry = InstanceRegistry()
        let names = registry.registeredNames()
        guard !names.isEmpty else {
            Output.lines(["no instances registered in \(registry.folder)"])
            return
        }
        var logger = Logger(label: "ukfs.list") { _ in SwiftLogNoOpLogHandler() }
        logger.logLevel = .critical
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let width = max(names.map(\.count).max() ?? 4, 4)
        Output.lines(["NAME".padding(toLength: width, withPad: " ", startingAt: 0) + "  STATE          ADDRESS"])
        for name in names {
            let path = registry.socketPath(for: name)
            let state: String
            do {
                let connection = try await BridgeConnection.connect(
                    to: .unix(path: path), group: group,
                    timeout: .milliseconds(Int64(max(timeout, 0.05) * 1000)), logger: logger)
                state = "answering"
                connection.close()
            } catch {
                state = "not answering"
            }
            Output.lines([name.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                          + state.padding(toLength: 13, withPad: " ", startingAt: 0) + "  unix:" + path])
        }
        try? await group.shutdownGracefully()
    }
}
