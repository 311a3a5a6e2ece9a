import ArgumentParser
import Foundation
import Logging
import NIOPosix
import UKBridgeClient
import UKFilesystem

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Mount a simulated instance, in this process, to try ukfs without a VM.",
        discussion: "Ctrl-C unmounts and exits.")

    @Argument(help: "Where to mount (created if missing).")
    var mountpoint: String = "/tmp/ukfs-demo"

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .warning

    func run() async throws {
        try await reportingErrors {
            let path = MountCommand.absolute(mountpoint)
            if !FileManager.default.fileExists(atPath: path) {
                try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            }
            let logger = LoggingSetup.logger("ukfs.demo", level: logLevel)
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ukfs-demo-\(getpid())").path
            try? FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
            let simulator = try await SimulatorProcess.start(
                name: "demo", socket: folder + "/demo.sock",
                group: group, logger: logger)
            Termination.releasing { try? FileManager.default.removeItem(atPath: folder) }
            let mount: FuseMount
            do throws(MountError) {
                mount = try await FuseMount.mount(
                    instanceName: "demo", address: .unix(path: simulator.path),
                    at: path, options: MountOptions(), group: group, logger: logger
                ) { mount in
                    Termination.releasing { mount.unmount() }
                }
            } catch {
                await simulator.stop()
                throw CLIError(error.description)
            }
            Console.say(
                """
                ukfs: a simulated Unikraft instance is mounted at \(path). In another shell, try:
                  ls \(path)                               # libraries, and aliases such as net -> libuknetdev
                  cat \(path)/net/eth0/rx_bytes            # a live counter: read it twice
                  watch -n1 cat \(path)/memory/cur_mem_free
                  echo 3 > \(path)/appsim/netdev_count     # two more NICs appear: ls \(path)/net
                  echo 7 > \(path)/print/console_lvl       # a setter; echo 300 > … is out of range
                  grep -r . \(path)/libuksched             # every value of a library
                Press Ctrl-C to unmount.
                """)
            await FuseServing.run(mount)
            await simulator.stop()
            try? FileManager.default.removeItem(atPath: folder)
            try? await group.shutdownGracefully()
            Console.say("ukfs: unmounted \(path)")
        }
    }
}
