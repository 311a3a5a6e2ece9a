import ArgumentParser
import Foundation
import Logging
import NIOPosix
import UKBridgeClient

/// `ukfs attach NAME`: holds a guest's one line and shares it, for guests that are monitored but
/// not mounted, so every other command (and `export`) reaches the guest through it at any time.
struct AttachCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Hold an instance's line and share it with every local ukfs command, until stopped.",
        discussion: """
            A real guest has one line (a QEMU chardev serves one host at a time). Whoever connects first \
            holds it and shares it on NAME.share beside NAME.sock; attach only does that, for guests that \
            are not mounted. It reconnects when the guest goes away. Ctrl-C stops. The share serves at most 64 clients; \
            one that sends no HELLO within 5 s, or nothing for 30 s, is closed (ukfs's own clients send a PING after \
            10 s of quiet). NAME.lock and NAME.share are removed when attach ends.
            """)

    @Argument(help: "A registered instance name, or its registry socket (unix:PATH).")
    var instance: String

    @Option(help: "Seconds to wait for each answer of the guest.")
    var timeout: Double = 2

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .warning

    func run() async throws {
        try await reportingErrors {
            let target = try ResolvedInstance(instance, registry: InstanceRegistry())
            guard let share = target.share else {
                throw CLIError(
                    "\(instance) is not a registered instance, so its line cannot be shared by name — put its socket in the registry as NAME.sock (or give its name)"
                )
            }
            let logger = LoggingSetup.logger("ukfs.attach", level: logLevel)
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let duration = Duration.milliseconds(Int64(max(timeout, 0.05) * 1000))
            let first = try await connect(target, group: group, timeout: duration, logger: logger)
            Console.say(
                first.route == .direct
                    ? "ukfs: holding \(target.name)'s line, shared at \(share.socketPath) (Ctrl-C to stop)"
                    : "ukfs: \(target.name)'s line is held by another process; taking it over if that one ends (Ctrl-C to stop)")
            try await hold(first, target: target, group: group, timeout: duration, logger: logger)
        }
    }

    private func connect(
        _ target: ResolvedInstance, group: MultiThreadedEventLoopGroup, timeout: Duration,
        logger: Logger
    ) async throws -> GuestLine {
        do {
            return try await LineConnector.connect(target.line, role: .holder, group: group, timeout: timeout, logger: logger)
        } catch {
            try? await group.shutdownGracefully()
            throw CLIError(target.describe(error))
        }
    }

    /// Waits for the line to end, then connects again (holding it, or through the new holder),
    /// with the mount's backoff: 0.1 s doubling to 1.6 s while attempts fail.
    private func hold(
        _ first: GuestLine, target: ResolvedInstance, group: MultiThreadedEventLoopGroup,
        timeout: Duration, logger: Logger
    ) async throws -> Never {
        var line: GuestLine? = first
        var failures = 0
        while true {
            if let current = line {
                try? await current.connection.closeFuture.get()
                logger.notice("the line to \(target.name) ended; connecting again")
            }
            do {
                line = try await LineConnector.connect(target.line, role: .holder, group: group, timeout: timeout, logger: logger)
                failures = 0
            } catch {
                line = nil
                failures += 1
                if failures == 1 { logger.warning("\(target.describe(error)); retrying with backoff") }
                try await Task.sleep(for: .milliseconds(100 << min(failures - 1, 4)))
            }
        }
    }
}
