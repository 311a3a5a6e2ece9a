import ArgumentParser
import Foundation
import Logging
import NIOPosix
import UKBridgeClient

struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the instances in the registry, whether they answer, and who holds their line.",
        discussion:
            "HOLDER is the process holding the guest's one line (pid and command); CLIENTS the local processes sharing it through that holder."
    )

    @Option(help: "How long to wait for each instance, in seconds.")
    var timeout: Double = 1

    @Flag(help: "Print one JSON array: name, state, address, holder {pid, command} or null, clients, mounts [{mountpoint, io}].")
    var json = false

    func run() async throws {
        let registry = InstanceRegistry()
        // Locks of instances that are gone, left by killed holders: whoever looks tidies them.
        registry.removeStaleLocks()
        let names = registry.registeredNames()
        guard !names.isEmpty else {
            Output.lines([json ? "[]" : "no instances registered in \(registry.folder)"])
            return
        }
        var logger = Logger(label: "ukfs.list") { _ in SwiftLogNoOpLogHandler() }
        logger.logLevel = .critical
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let duration = Duration.milliseconds(Int64(max(timeout, 0.05) * 1000))
        var probes: [InstanceProbe] = []
        for name in names {
            probes.append(await InstanceProbe.probe(name, registry: registry, group: group, timeout: duration, logger: logger))
        }
        try? await group.shutdownGracefully()
        if json {
            Output.lines(["[" + probes.map(\.json).joined(separator: ",") + "]"])
            return
        }
        let width = max(names.map(\.count).max() ?? 4, 4)
        let stateWidth = max(probes.map(\.state.text.count).max() ?? 13, 13)
        let addressWidth = max(probes.map(\.address.count).max() ?? 7, 7)
        func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
        var lines = [pad("NAME", width) + "  " + pad("STATE", stateWidth) + "  CLIENTS  " + pad("ADDRESS", addressWidth) + "  HOLDER"]
        for probe in probes {
            lines.append(
                pad(probe.name, width) + "  " + pad(probe.state.text, stateWidth) + "  "
                    + pad(String(probe.clients), 7) + "  " + pad(probe.address, addressWidth) + "  " + probe.holderText)
        }
        Output.lines(lines)
    }
}
