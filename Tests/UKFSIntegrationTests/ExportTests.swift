import Foundation
import Testing

/// `ukfs export`: a Prometheus endpoint, checked with Prometheus's own promtool.
@Suite("Prometheus export")
struct ExportTests {
    /// Starts `ukfs export ARGS --listen 127.0.0.1:0`; returns it and its metrics URL.
    /// A simulated guest exported alone (`ukfs export vm1`) for `body`, both stopped after it.
    static func withExport(_ body: (_ guest: Instance, _ url: String) throws -> Void) throws {
        let guest = try Instance()
        defer { guest.stop() }
        try guest.startGuest()
        let (export, url) = try Self.export(guest, ["vm1"])
        defer { export.stop() }
        try body(guest, url)
    }

    /// The port of an exporter's URL (`http://127.0.0.1:PORT/metrics`).
    static func port(of url: String) -> String? {
        url.split(separator: ":").last?.split(separator: "/").first.map(String.init)
    }

    static func export(_ guest: Instance, _ arguments: [String]) throws -> (BackgroundProcess, String) {
        let process = try BackgroundProcess(
            [Paths.ukfs, "export"] + arguments + ["--listen", "127.0.0.1:0"],
            environment: guest.environment, outputPath: guest.folder + "/export.out")
        guard let rest = process.line(startingWith: "ukfs: exporting "),
            let url = rest.split(separator: " ").first(where: { $0.hasPrefix("http://") })
        else {
            process.stop()
            throw FixtureError("ukfs export did not say where it listens: \(process.output)")
        }
        return (process, String(url))
    }

    static func scrape(_ url: String) -> String {
        Shell.run(["/usr/bin/curl", "-sf", url]).stdout
    }

    /// The value of the one sample line that starts with `series` (name and labels).
    static func value(_ text: String, _ series: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ")[1]) }
    }

    @Test(
        "promtool accepts the export; entries are samples with ukstore_instance, library, object; counters, gauges and units as node_exporter's",
        arguments: Backend.allCases)
    func exposition(backend: Backend) throws {
        let guest = try Instance(backend)
        defer { guest.stop() }
        try guest.startGuest()
        let (export, url) = try Self.export(guest, ["vm1"])
        defer { export.stop() }
        let text = Self.scrape(url)
        let file = guest.folder + "/metrics.txt"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let promtool = Shell.run("promtool check metrics < '\(file)'")
        #expect(promtool.status == 0, "\(promtool)\n\(text)")
        #expect(text.contains("# TYPE ukstore_rx_bytes_total counter\n"))
        #expect(text.contains("# TYPE ukstore_tot_nb_allocs_total counter\n"))
        #expect(text.contains("# TYPE ukstore_cur_mem_free_bytes gauge\n"))
        // node_exporter's counters for the same figures: errors, fifo overruns, CPU time (in seconds).
        for counter in [
            "ukstore_rx_errors_total", "ukstore_tx_fifo_total", "ukstore_cpu_time_seconds_total",
            "ukstore_cpu_idle_seconds_total", "ukstore_sched_count_total", "ukstore_nb_enomem_total",
        ] {
            #expect(text.contains("# TYPE \(counter) counter\n"), "\(counter)")
        }
        // What a user can set is a gauge; sizes and memory are in bytes; times in seconds.
        for gauge in [
            "ukstore_netdevs", "ukstore_console_lvl", "ukstore_last_alloc_size_bytes",
            "ukstore_total_memory_bytes", "ukstore_uptime_seconds",
        ] {
            #expect(text.contains("# TYPE \(gauge) gauge\n"), "\(gauge)")
        }
        #expect(!text.contains("ukstore_netdev_count"))
        #expect(!text.contains("{instance="), "the scrape's own instance label is left to Prometheus")
        let uptime = Self.value(text, "ukstore_uptime_seconds{ukstore_instance=\"vm1\",library=\"appsim\"}") ?? -1
        let cpu = Self.value(text, "ukstore_cpu_time_seconds_total{ukstore_instance=\"vm1\",library=\"libuksched\",object=\"cpu0\"}") ?? -1
        #expect(uptime > 0 && uptime < 3600 && cpu >= 0 && cpu < 3600, "seconds, not ms or ns: \(uptime) \(cpu)")
        #expect(Self.value(text, "ukfs_build_info{version=\"0.1.0\",protocol=\"1\"}") == 1, "\(text)")
        #expect(
            Self.value(text, "ukstore_rx_bytes_total{ukstore_instance=\"vm1\",library=\"libuknetdev\",object=\"netdev0\",device=\"eth0\"}")
                != nil,
            "\(text)")
        #expect(Self.value(text, "ukstore_console_lvl{ukstore_instance=\"vm1\",library=\"libukprint\"}") == 3)
        #expect(!text.contains("hostname"), "charp entries have no number to export")
        #expect(Self.value(text, "ukfs_up{ukstore_instance=\"vm1\"}") == 1)
        // After the first scrape (which lists the tree), each scrape is one batched request.
        let second = Self.scrape(url)
        #expect(Self.value(second, "ukfs_scrape_bridge_requests{ukstore_instance=\"vm1\"}") == 1, "\(second)")
        #expect((Self.value(second, "ukfs_scrape_samples{ukstore_instance=\"vm1\"}") ?? 0) > 30)
    }

    @Test("objects created in the guest appear in the next scrape")
    func liveObjects() throws {
        try Self.withExport { guest, url in
            #expect(!Self.scrape(url).contains("object=\"netdev2\""))
            // The simulator serves many hosts at once, so the exporter and ukfs set can share it.
            #expect(guest.ukfs(["set", "vm1", "appsim/netdev_count", "3"]).status == 0)
            #expect(
                Shell.eventually(within: 5) {
                    Self.scrape(url).contains(
                        "ukstore_rx_bytes_total{ukstore_instance=\"vm1\",library=\"libuknetdev\",object=\"netdev2\",device=\"eth2\"}")
                })
        }
    }

    @Test("--all exports every registered instance, as they come and go; one down is ukfs_up 0")
    func all() throws {
        let first = try Instance()
        defer { first.stop() }
        try first.startGuest()
        let (export, url) = try Self.export(first, ["--all"])
        defer { export.stop() }
        #expect(Self.value(Self.scrape(url), "ukfs_up{ukstore_instance=\"vm1\"}") == 1)
        // A second instance registers in the same registry.
        let second = try BackgroundProcess(
            [Paths.ukfs, "sim", "vm2", "--log-level", "warning"], environment: first.environment,
            outputPath: first.folder + "/vm2.out")
        #expect(Shell.eventually(within: 10) { Self.value(Self.scrape(url), "ukfs_up{ukstore_instance=\"vm2\"}") == 1 })
        second.stop()
        #expect(Shell.eventually(within: 10) { !Self.scrape(url).contains("instance=\"vm2\"") })
        // A named instance that stops answering stays listed, as down.
        let (named, namedURL) = try Self.export(first, ["vm1"])
        defer { named.stop() }
        first.stopGuest()
        let down = Self.scrape(namedURL)
        #expect(Self.value(down, "ukfs_up{ukstore_instance=\"vm1\"}") == 0, "\(down)")
        #expect(!down.split(separator: "\n").contains { $0.hasPrefix("ukstore_") }, "\(down)")
    }

    @Test("bad arguments and a busy port fail in one line")
    func errors() throws {
        let guest = try Instance()
        defer { guest.stop() }
        let none = guest.ukfs(["export"])
        #expect(none.status != 0 && none.stderr.contains("--all"), "\(none)")
        let badListen = guest.ukfs(["export", "vm1", "--listen", "nowhere"])
        #expect(badListen.status == 1 && badListen.stderr.hasPrefix("ukfs: --listen nowhere: give HOST:PORT"), "\(badListen)")
        let unknown = guest.ukfs(["export", "nosuch"])
        #expect(unknown.status == 1 && unknown.stderr.contains("unknown instance 'nosuch'"), "\(unknown)")
    }

    @Test("70 slowloris connections, each sending a header line a second, do not keep Prometheus out (issue 19.4)")
    func slowloris() throws {
        try Self.withExport { guest, url in
            let port = try #require(Self.port(of: url))
            // As slowloris does: 70 connections that each send one more header line every second and
            // never end their request, each re-opened as soon as it is found closed; meanwhile 40
            // scrapes, a quarter of a second apart, each on a new connection. Prints the scrapes served,
            // the closes the attackers saw, and how many of the 70 first connections were closed by the
            // exporter (all of them: a trickled request has a deadline, whatever it keeps sending).
            let run = Shell.run(
                [
                    "/usr/bin/python3", "-c",
                    """
                    import socket, threading, time, urllib.request
                    port = \(port)
                    def attacker():
                        s = socket.create_connection(("127.0.0.1", port))
                        s.sendall(b"GET /metrics HTTP/1.1\\r\\nHost: x\\r\\n")
                        s.setblocking(False)
                        return s
                    conns = [attacker() for _ in range(70)]
                    first = set(conns)
                    first_closed = set()
                    closes = 0
                    served = 0
                    done = threading.Event()
                    def scrapes():
                        global served
                        for _ in range(40):
                            try:
                                body = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=10).read()
                                if b'ukfs_up{ukstore_instance="vm1"} 1' in body: served += 1
                            except Exception as error:
                                print("scrape failed:", error)
                            time.sleep(0.25)   # past the 5 s a request has: attackers are closed meanwhile
                        done.set()
                    threading.Thread(target=scrapes).start()
                    line = 0
                    while not done.is_set():
                        line += 1
                        for i, s in enumerate(conns):
                            closed = False
                            try:
                                if s.recv(65536) == b"": closed = True
                            except BlockingIOError:
                                pass
                            except OSError:
                                closed = True
                            if not closed:
                                try:
                                    s.send(b"X-%d: %d\\r\\n" % (line, i))
                                except BlockingIOError:
                                    pass
                                except OSError:
                                    closed = True
                            if closed:
                                closes += 1
                                if s in first: first_closed.add(s)
                                s.close()
                                conns[i] = attacker()
                        done.wait(1)
                    while len(first_closed) < 70 and line < 60:
                        line += 1
                        for s in first - first_closed:
                            try:
                                if s.recv(65536) == b"": first_closed.add(s)
                            except BlockingIOError:
                                s.send(b"X-%d: late\\r\\n" % line)
                            except OSError:
                                first_closed.add(s)
                        time.sleep(1)
                    print(served, closes, len(first_closed))
                    """,
                ], timeout: 300)
            let figures = run.stdout.split(separator: "\n").last?.split(separator: " ").map(String.init) ?? []
            #expect(figures.count == 3, "\(run)")
            guard figures.count == 3 else { return }
            #expect((Int(figures[0]) ?? 0) >= 39, "scrapes served of 40: \(run)")
            #expect((Int(figures[1]) ?? 0) >= 70, "attackers were closed and came back while Prometheus scraped: \(run)")
            #expect(figures[2] == "70", "every trickling connection was closed by the exporter: \(run)")
        }
    }

    @Test("HEAD gets the GET's Content-Length and no body; gzip when asked; a malformed request's connection closes after its 400")
    func httpDetails() throws {
        try Self.withExport { guest, url in
            let port = try #require(Self.port(of: url))
            let root = "http://127.0.0.1:\(port)/"
            let head = Shell.run(["/usr/bin/curl", "-sfI", root])
            #expect(head.status == 0 && head.stdout.lowercased().contains("content-length: 33\r\n"), "\(head)")
            let headMetrics = Shell.run(["/usr/bin/curl", "-sf", "-I", url, "-o", "/dev/null", "-w", "%{size_download}"])
            #expect(headMetrics.status == 0 && headMetrics.stdout == "0", "HEAD has no body: \(headMetrics)")
            let gzipped = Shell.run(["/usr/bin/curl", "-sf", "-H", "Accept-Encoding: gzip", "-D", "-", url, "-o", guest.folder + "/m.gz"])
            #expect(gzipped.stdout.lowercased().contains("content-encoding: gzip"), "\(gzipped)")
            let unzipped = Shell.run("gzip -dc '\(guest.folder)/m.gz'")
            #expect(unzipped.status == 0 && unzipped.stdout.contains("ukfs_up{ukstore_instance=\"vm1\"} 1"), "\(unzipped.stderr)")
            let plain = Shell.run(["/usr/bin/curl", "-sf", "-D", "-", url])
            #expect(!plain.stdout.lowercased().contains("content-encoding"), "no gzip unless asked")
            #expect(plain.stdout.contains("process_resident_memory_bytes "), "process_* metrics")
            let malformed = Shell.run(
                [
                    "/usr/bin/python3", "-c",
                    """
                    import socket
                    c = socket.create_connection(("127.0.0.1", \(port)))
                    c.settimeout(5)
                    c.sendall(b"NOT HTTP AT ALL\\r\\n\\r\\n")
                    data = b""
                    while True:
                        chunk = c.recv(4096)
                        if not chunk: break
                        data += chunk
                    print(data.split(b"\\r\\n")[0].decode(), b"connection: close" in data.lower(), "closed")
                    """,
                ], timeout: 30)
            #expect(malformed.stdout == "HTTP/1.1 400 Bad Request True closed\n", "\(malformed)")
        }
    }
}
