import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOPosix
import UKBridge
import UKBridgeClient
import UKExport

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Serve instances' numeric entries as Prometheus metrics (GET /metrics).",
        discussion: """
            Every numeric entry becomes a sample ukstore_<entry>{ukstore_instance,library[,object]} (ukstore_instance, \
            not instance: Prometheus sets instance to the exporter's HOST:PORT). What only accumulates (bytes, packets, \
            errors, fifo overruns, drops, *_count, tot_*, nb_*, CPU times) is a counter named …_total; current values \
            and whatever is settable are gauges. Times are in seconds (*_ms, *_us, *_ns and CPU times converted), memory \
            figures end in _bytes. Each scrape reads each instance with one batched bridge request; ukfs_up and \
            ukfs_scrape_* tell how each instance fared, ukfs_build_info which ukfs answers. An instance is connected \
            when first scraped; each costs 4 descriptors, so (descriptor limit - 256) / 4 are followed \
            (ukfs_export_capacity) and the rest named in ukfs_export_refused. NICs also carry device (eth0); the \
            process_* series describe the exporter itself. Answers are gzipped when the scraper accepts gzip. Plain \
            HTTP by default: to serve beyond loopback, give --web.config.file (TLS, basic auth). Connections are \
            guarded: a request must arrive whole within 5 s, an idle connection closes after 30 s, at most 64 \
            connections (32 from one address), and a new one takes the place of one still waiting for its request, so \
            a scrape always gets in.
            """)

    @Argument(
        help:
            "Instance names (the registry, then KraftKit) or addresses (unix:PATH or a path with a /, tcp:HOST:PORT, vsock:CID:PORT, fc-vsock:PATH:PORT).",
        completion: .custom(Completions.instances))
    var instances: [String] = []

    @Flag(help: "Export every instance in the registry, as they come and go.")
    var all = false

    @Option(help: "Where to serve: HOST:PORT or tcp:HOST:PORT (port 0: any free port).")
    var listen: String = "127.0.0.1:9464"

    @Option(
        name: .customLong("web.config.file"),
        help: ArgumentHelp(
            "TLS and basic auth, in node_exporter's web configuration file format (exporter-toolkit): tls_server_config (cert_file, key_file, client_ca_file, client_auth_type, min_version) and basic_auth_users (name: bcrypt hash). Without it, plain HTTP.",
            valueName: "path"))
    var webConfigFile: String?

    @Option(help: "Seconds to wait for each answer of a guest.")
    var timeout: Double = 2

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .warning

    func validate() throws {
        guard all || !instances.isEmpty else { throw ValidationError("name the instances to export, or give --all") }
        guard !(all && !instances.isEmpty) else { throw ValidationError("give instance names or --all, not both") }
    }

    func run() async throws {
        try await reportingErrors {
            let (host, port) = try Self.listenAddress(listen)
            let logger = LoggingSetup.logger("ukfs.export", level: logLevel)
            // Loaded before anything listens: a bad file is this one line, never a half-secured endpoint.
            var security: WebSecurity?
            if let webConfigFile {
                do { security = try WebSecurity.load(path: webConfigFile, logger: logger) } catch {
                    throw CLIError("--web.config.file \(webConfigFile): \(error) — see node_exporter's web configuration format")
                }
            }
            let group = MultiThreadedEventLoopGroup(numberOfThreads: MountCommand.eventLoopThreads)
            let duration = Duration.milliseconds(Int64(max(timeout, 0.05) * 1000))
            let descriptors = min(DescriptorLimit.raiseToHard(), Int(Int32.max))
            let exporters = ExporterSet(group: group, timeout: duration, descriptors: descriptors, version: Ukfs.version, logger: logger)
            if !all {
                guard instances.count <= exporters.capacity else {
                    try? await group.shutdownGracefully()
                    throw CLIError(
                        "\(instances.count) instances are more than \(descriptors) descriptors allow (\(DescriptorBudget.perInstance) each, \(exporters.capacity) instances): raise ulimit -n"
                    )
                }
                for instance in instances {
                    let target = try ResolvedInstance(instance, registry: InstanceRegistry())
                    exporters.add(name: target.name, line: target.line)
                }
            }
            let all = self.all
            let server: Channel
            do {
                server = try await MetricsHTTPServer.start(host: host, port: port, group: group, security: security) {
                    await exporters.scrape(registry: all ? InstanceRegistry() : nil)
                }
            } catch {
                try? await group.shutdownGracefully()
                let reason = (error as? IOError).map { String(cString: strerror($0.errnoCode)).lowercased() } ?? "\(error)"
                throw CLIError("cannot listen on \(listen): \(reason) — choose another port (--listen HOST:PORT)")
            }
            let bound = server.localAddress?.port ?? port
            let what = all ? "every registered instance" : instances.joined(separator: ", ")
            let where_ = "\(security?.scheme ?? "http")://\(host.contains(":") ? "[\(host)]" : host):\(bound)/metrics"
            let secured = security.map { " with \($0.describes)" } ?? ""
            Console.say("ukfs: exporting \(what) at \(where_)\(secured) (Ctrl-C to stop)")
            if security == nil && !Self.isLoopback(host) {
                // Said, not refused: a private network may be what the user means.
                logger.warning(
                    "serving plain HTTP on \(host), beyond loopback: whoever reaches it reads every metric — give --web.config.file for TLS and basic auth"
                )
            }
            // Under systemd (Type=notify): ready once listening, and where.
            SystemdNotify.send(["READY=1", "STATUS=exporting \(what) at \(where_)"])
            // Sockets only: the kernel releases them when a signal ends the process.
            await Termination.serveForever()
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    static func listenAddress(_ text: String) throws -> (String, Int) {
        let withScheme = text.hasPrefix("tcp:") ? text : "tcp:" + text
        guard case .success(.tcp(let host, let port)?) = BridgeAddress.parse(withScheme) else {
            throw CLIError("--listen \(text): give HOST:PORT, e.g. 127.0.0.1:9464 or 0.0.0.0:9464")
        }
        return (host, port)
    }
}
