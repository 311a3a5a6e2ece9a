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
            // The rule of mount and get: a socket owned by another user (say, through a symlink
            // in the registry) is not connected to.
            switch registry.resolve(name) {
            case .address(let address, _):
                do {
                    let connection = try await BridgeConnection.connect(
                        to: address, group: group,
                        timeout: .milliseconds(Int64(max(timeout, 0.05) * 1000)), logger: logger)
                    state = "answering"
                    connection.close()
                } catch {
                    state = "not answering"
                }
            case .foreign(_, _, let uid):
                state = "refused: owned by uid \(uid)"
            case .unknown, .invalid:
                state = "refused: not a socket"
            }
            Output.lines([name.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                          + state.padding(toLength: max(13, state.count), withPad: " ", startingAt: 0) + "  unix:" + path])
        }
        try? await group.shutdownGracefully()
    }
}
