import Foundation
import Testing

/// `ukfs top` as a person uses it: in a real terminal (tmux), against simulated instances and the
/// C agent's host build — sorting, the detail view, the filter, resizing, quitting with the
/// terminal given back — and its batch and JSON output, parsed.
@Suite("ukfs top")
struct TopTests {
    /// A registry folder of the test's own with a fleet of `size` simulated instances.
    static func fleet(_ size: Int) throws -> (Instance, SimulatedFleet) {
        let folder = try Instance(name: "unused")
        do {
            let fleet = try SimulatedFleet(size, registry: folder.registry, environment: folder.environment)
            return (folder, fleet)
        } catch {
            folder.stop()
            throw error
        }
    }

    /// Runs `ukfs ARGUMENTS` in the terminal, after saving the terminal's modes to compare later.
    static func start(_ terminal: TerminalSession, _ arguments: String) {
        terminal.type("clear; stty -g > '\(terminal.folder)/stty.before'; '\(Paths.ukfs)' \(arguments)")
    }

    /// After top ended (with `status`): the shell's prompt is back, on the main screen, cursor
    /// shown, and the terminal's modes are those before top started.
    static func expectRestored(_ terminal: TerminalSession, status: Int = 0, sourceLocation: SourceLocation = #_sourceLocation) {
        let prompt = terminal.waitFor { screen in
            let last = screen.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            return last?.trimmingCharacters(in: .whitespaces) == "ready$"
        }
        #expect(prompt, "\(terminal.screen)", sourceLocation: sourceLocation)
        let modes = terminal.modes
        #expect(!modes.alternate && modes.cursorVisible, "\(modes)", sourceLocation: sourceLocation)
        terminal.type("echo \"ended $?\"; stty -g | cmp -s - '\(terminal.folder)/stty.before' && echo same-modes")
        #expect(terminal.waitFor { $0.contains("\nended \(status)\n") }, "\(terminal.screen)", sourceLocation: sourceLocation)
        #expect(terminal.waitFor { $0.contains("\nsame-modes") }, "\(terminal.screen)", sourceLocation: sourceLocation)
    }

    /// The table's rows on screen: lines below the header, by their first word.
    static func names(_ screen: String) -> [String] {
        let lines = screen.split(separator: "\n").map(String.init)
        guard let header = lines.firstIndex(where: { $0.hasPrefix("NAME") }) else { return [] }
        return lines[(header + 1)...].compactMap { $0.split(separator: " ").first.map(String.init) }.filter { $0.hasPrefix("vm-") }
    }

    /// Batch output cut into frames: each starts with top's summary line.
    static func frames(_ output: String) -> [String] {
        output.components(separatedBy: "ukfs top - ").dropFirst().map { "ukfs top - " + $0 }
    }

    @Test("full screen over a fleet: sort keys, detail view and scrolling, filter, help, resize, q gives the terminal back")
    func fullScreen() throws {
        let (folder, fleet) = try Self.fleet(3)
        defer { fleet.stop(); folder.stop() }
        let terminal = try TerminalSession(folder: folder.folder, columns: 110, lines: 24, environment: folder.environment)
        defer { terminal.stop() }
        Self.start(terminal, "top")
        #expect(terminal.waitFor { Self.names($0).count == 3 && $0.contains("3 answering") }, "\(terminal.screen)")
        #expect(terminal.modes.alternate)

        // i: by name, ascending; again: reversed.
        terminal.press("i")
        #expect(terminal.waitFor { Self.names($0) == ["vm-1", "vm-2", "vm-3"] && $0.contains("NAME^") }, "\(terminal.screen)")
        terminal.press("i")
        #expect(terminal.waitFor { Self.names($0) == ["vm-3", "vm-2", "vm-1"] && $0.contains("NAME") }, "\(terminal.screen)")
        // m, n, c: the header marks the column sorted on; rates appear after the second refresh.
        terminal.press("m")
        #expect(terminal.waitFor { $0.contains("MEM%v") && $0.contains("sort: memory-percent desc") }, "\(terminal.screen)")
        terminal.press("n")
        #expect(terminal.waitFor { $0.contains("RX/sv") }, "\(terminal.screen)")
        terminal.press("c")
        #expect(terminal.waitFor { $0.contains("CPU%v") && !$0.contains(" .. ") }, "\(terminal.screen)")
        terminal.press(">")
        #expect(terminal.waitFor { $0.contains("sort: memory desc") }, "\(terminal.screen)")
        terminal.press("<", "<")
        #expect(terminal.waitFor { $0.contains("sort: uptime desc") && $0.contains("UPTIMEv") }, "\(terminal.screen)")
        // vm-3 runs 3 s ahead of vm-1 (SimulatedFleet's clocks): longest uptime first.
        #expect(terminal.waitFor { Self.names($0) == ["vm-3", "vm-2", "vm-1"] }, "\(terminal.screen)")

        // Enter: the selected instance in detail, every library, values and rates; scrolling.
        terminal.press("Home", "Down", "Enter")
        #expect(
            terminal.waitFor { $0.hasPrefix("vm-2  connected") && $0.contains("libukalloc") && $0.contains("cur_mem_free") },
            "\(terminal.screen)")
        #expect(
            terminal.waitFor { $0.split(separator: "\n").contains { $0.contains("tot_nb_allocs") && $0.hasSuffix("/s") } },
            "counters per second: \(terminal.screen)")
        #expect(terminal.screen.contains("lines 1-"))
        terminal.press("NPage")
        #expect(terminal.waitFor { $0.contains("libuksched") && !$0.contains("last_alloc_size") }, "\(terminal.screen)")
        terminal.press("Escape")
        #expect(terminal.waitFor { Self.names($0).count == 3 }, "\(terminal.screen)")

        // /: a filter by name, typed; Enter keeps it, Esc clears it.
        terminal.press("/", "2")
        #expect(terminal.waitFor { Self.names($0) == ["vm-2"] && $0.contains("Filter: 2_") }, "\(terminal.screen)")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("filter: 2 (1 shown)") && Self.names($0) == ["vm-2"] }, "\(terminal.screen)")
        terminal.press("Escape")
        #expect(terminal.waitFor { Self.names($0).count == 3 }, "\(terminal.screen)")

        // h: the help, any key back.
        terminal.press("h")
        #expect(terminal.waitFor { $0.contains("sort by CPU %") }, "\(terminal.screen)")
        terminal.press("x")
        #expect(terminal.waitFor { Self.names($0).count == 3 }, "\(terminal.screen)")

        // A smaller window: redrawn to fit, nothing wider than it.
        terminal.resize(columns: 60, lines: 10)
        #expect(
            terminal.waitFor { screen in
                let lines = screen.split(separator: "\n")
                return lines.count <= 10 && lines.allSatisfy { $0.count <= 60 } && screen.contains("NAME") && Self.names(screen).count == 3
            }, "\(terminal.screen)")
        terminal.resize(columns: 110, lines: 24)
        #expect(terminal.waitFor { $0.contains("TX/s") && $0.contains("STATE") }, "\(terminal.screen)")

        terminal.press("q")
        Self.expectRestored(terminal)
    }

    @Test("more instances than lines: PgDn, arrows and End move the selection and the rows with it")
    func scrolling() throws {
        let (folder, fleet) = try Self.fleet(40)
        defer { fleet.stop(); folder.stop() }
        let terminal = try TerminalSession(folder: folder.folder, columns: 100, lines: 20, environment: folder.environment)
        defer { terminal.stop() }
        // By name: vm-1, vm-10 … vm-19, vm-2, vm-20 …; 16 rows fit under the 3 header lines.
        Self.start(terminal, "top --sort name")
        #expect(terminal.waitFor { Self.names($0).count == 16 && $0.contains("rows 1-16 of 40") }, "\(terminal.screen)")
        let sorted = (1...40).map { "vm-\($0)" }.sorted()
        #expect(Self.names(terminal.screen) == Array(sorted[0..<16]))
        terminal.press("NPage", "NPage")
        // The selection went 32 rows down: the screen scrolled just enough to show it last.
        #expect(terminal.waitFor { Self.names($0) == Array(sorted[17..<33]) && $0.contains("rows 18-33 of 40") }, "\(terminal.screen)")
        terminal.press("End")
        #expect(terminal.waitFor { Self.names($0).last == sorted[39] && $0.contains("rows 25-40 of 40") }, "\(terminal.screen)")
        terminal.press("Home", "Up")
        #expect(terminal.waitFor { Self.names($0).first == sorted[0] }, "\(terminal.screen)")
        terminal.press("Down", "Down", "Enter")
        #expect(terminal.waitFor { $0.hasPrefix(sorted[2] + "  connected") }, "\(terminal.screen)")
        terminal.press("q", "q")
        Self.expectRestored(terminal)
    }

    @Test("Ctrl-C and SIGTERM end it with the terminal given back; a terminal that goes away ends it")
    func signals() throws {
        let (folder, fleet) = try Self.fleet(1)
        defer { fleet.stop(); folder.stop() }
        let terminal = try TerminalSession(folder: folder.folder, environment: folder.environment)
        defer { terminal.stop() }
        Self.start(terminal, "top")
        #expect(terminal.waitFor { Self.names($0) == ["vm-1"] }, "\(terminal.screen)")
        terminal.press("C-c")
        Self.expectRestored(terminal, status: 130)

        terminal.type(
            "clear; stty -g > '\(terminal.folder)/stty.before'; sh -c 'echo $$ > \(terminal.folder)/top.pid; exec \"$0\" top' '\(Paths.ukfs)'"
        )
        #expect(terminal.waitFor { Self.names($0) == ["vm-1"] }, "\(terminal.screen)")
        let pid = try #require(
            pid_t(
                (try? String(contentsOfFile: terminal.folder + "/top.pid", encoding: .utf8))?.trimmingCharacters(
                    in: .whitespacesAndNewlines) ?? ""))
        kill(pid, SIGTERM)
        Self.expectRestored(terminal, status: 143)

        // The terminal goes away (its tmux server killed): top ends, it does not spin on a dead tty.
        terminal.type("sh -c 'echo $$ > \(terminal.folder)/top.pid; exec \"$0\" top' '\(Paths.ukfs)'")
        #expect(terminal.waitFor { Self.names($0) == ["vm-1"] }, "\(terminal.screen)")
        let second = try #require(
            pid_t(
                (try? String(contentsOfFile: terminal.folder + "/top.pid", encoding: .utf8))?.trimmingCharacters(
                    in: .whitespacesAndNewlines) ?? ""))
        terminal.stop()
        #expect(Shell.eventually(within: 5) { kill(second, 0) != 0 }, "ukfs top still runs after its terminal went away")
    }

    @Test("batch frames and JSON, parsed; no escape sequence; rates from the second refresh")
    func batchAndJSON() throws {
        let (folder, fleet) = try Self.fleet(3)
        defer { fleet.stop(); folder.stop() }
        let batch = folder.ukfs(["top", "-b", "-n", "2", "-d", "0.5", "--sort", "name"])
        #expect(batch.status == 0, "\(batch)")
        #expect(!batch.stdout.contains("\u{1b}"), "an escape sequence in batch output")
        let frames = Self.frames(batch.stdout)
        #expect(frames.count == 2, "\(batch.stdout)")
        for frame in frames {
            let lines = frame.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasPrefix("ukfs top - ") == true && lines.first?.contains("instances: 3, 3 answering") == true)
            #expect(lines.dropFirst().first?.hasPrefix("NAME^") == true && lines.last?.isEmpty == false, "\(frame)")
            #expect(Self.names(frame) == ["vm-1", "vm-2", "vm-3"], "\(frame)")
        }
        // The second frame: every figure of the simulated store is there, as numbers.
        let row = frames.last?.split(separator: "\n").first { $0.hasPrefix("vm-2 ") }?.split(separator: " ") ?? []
        #expect(row.count == 9 && !row.contains("-") && !row.contains("..") && row[8] == "connected", "\(row)")
        #expect(row.count == 9 && Double(row[2]).map { $0 > 0 } == true, "CPU% \(row)")

        let json = folder.ukfs(["top", "--json", "-n", "2", "-d", "0.5"])
        #expect(json.status == 0 && !json.stdout.contains("\u{1b}"), "\(json)")
        let objects = json.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(objects.count == 2, "\(json.stdout)")
        let instances = objects.last?["instances"] as? [[String: Any]] ?? []
        #expect(Set(instances.compactMap { $0["name"] as? String }) == ["vm-1", "vm-2", "vm-3"])
        for instance in instances {
            #expect(instance["state"] as? String == "connected")
            #expect((instance["cpu_percent"] as? Double).map { $0 > 0 } == true, "\(instance)")
            #expect((instance["rx_bytes_per_second"] as? Double).map { $0 > 0 } == true, "\(instance)")
            #expect((instance["memory_total_bytes"] as? Double).map { $0 > 0 } == true, "\(instance)")
            #expect((instance["uptime_seconds"] as? Double).map { $0 > 0 } == true, "\(instance)")
        }
        // Cheap on the guest: after the first refresh (which also lists), one request each.
        #expect(instances.allSatisfy { $0["bridge_requests"] as? Int == 1 }, "\(instances)")
        let first = objects.first?["instances"] as? [[String: Any]] ?? []
        #expect(first.allSatisfy { $0["cpu_percent"] is NSNull }, "a rate needs two readings: \(first)")

        // A reader that goes away ends it quietly, as SIGPIPE would (141), however long it would run.
        let piped = folder.sh("'\(Paths.ukfs)' top -b -d 0.2 | head -1; echo \"status ${PIPESTATUS[0]}\"")
        #expect(piped.stdout.hasSuffix("status 141\n") && piped.stderr.isEmpty, "\(piped)")
    }

    @Test("a guest that never answers is shown connecting and holds up nobody; one with no producer shows - throughout")
    func hungGuests() throws {
        let (folder, fleet) = try Self.fleet(2)
        defer { fleet.stop(); folder.stop() }
        let silent = try HostileGuest(path: folder.registry + "/silent.sock", behaviour: .silent)
        defer { silent.stop() }
        let stalled = try HostileGuest(path: folder.registry + "/stalled.sock", behaviour: .stallGets)
        defer { stalled.stop() }
        // With a 30 s bound on every answer, frames that waited for these guests would take 30 s
        // each; Shell.run gives the whole command 20.
        let batch = folder.ukfs(["top", "-b", "-n", "3", "-d", "0.5", "--timeout", "30", "--sort", "name"], timeout: 20)
        #expect(batch.status == 0, "\(batch)")
        let frames = Self.frames(batch.stdout)
        #expect(frames.count == 3, "\(batch)")
        for frame in frames.dropFirst() {
            let rows = frame.split(separator: "\n").map(String.init)
            let silentRow = rows.first { $0.hasPrefix("silent ") } ?? ""
            let stalledRow = rows.first { $0.hasPrefix("stalled ") } ?? ""
            #expect(silentRow.hasSuffix("connecting"), "\(frame)")
            // Its store has none of the producers' entries (only libtest): every figure is -.
            #expect(stalledRow.split(separator: " ") == ["stalled", "-", "-", "-", "-", "-", "-", "-", "connected"], "\(frame)")
            #expect(rows.filter { $0.hasPrefix("vm-") && $0.hasSuffix(" connected") }.count == 2, "\(frame)")
        }
        #expect(frames.last?.contains("instances: 4, 3 answering, 1 not") == true, "\(batch)")
    }

    @Test("a 0.17 guest (C agent with libukalloc and libuknetdev only): every missing figure is -, null in JSON")
    func olderGuest() throws {
        let guest = try Instance(.cAgent, name: "old")
        defer { guest.stop() }
        let command = try Backend.cAgent.command(name: "old", socket: guest.socket) + ["--libraries", "libukalloc,libuknetdev"]
        let pid = try #require(Shell.spawn(command, environment: guest.environment))
        defer { Shell.terminate(pid) }
        #expect(Shell.eventually(within: 10) { FileManager.default.fileExists(atPath: guest.socket) })
        let batch = guest.ukfs(["top", "-b", "-n", "2", "-d", "0.5"])
        let row =
            Self.frames(batch.stdout).last?
            .split(separator: "\n").first { $0.hasPrefix("old ") }?.split(separator: " ").map(String.init) ?? []
        // NAME UPTIME CPU% MEM TOTAL MEM% RX/s TX/s STATE: uptime and CPU lacking, the rest there.
        #expect(row.count == 9 && row[1] == "-" && row[2] == "-", "\(batch)")
        #expect(row.count == 9 && !row[3...7].contains("-") && row[8] == "connected", "\(batch)")
        let json = guest.ukfs(["top", "--json", "-n", "1"])
        #expect(json.stdout.contains("\"cpu_percent\":null") && json.stdout.contains("\"uptime_seconds\":null"), "\(json)")
        #expect(!json.stdout.contains("\"memory_total_bytes\":null"), "\(json)")
    }

    @Test("beside a mount of a one-client guest: both keep working, whichever came first", arguments: Backend.allCases)
    func besideAMount(backend: Backend) throws {
        let guest = try Instance(backend)
        defer { guest.stop() }
        try guest.startGuest()
        let terminal = try TerminalSession(folder: guest.folder, environment: guest.environment)
        defer { terminal.stop() }
        // top first: it holds the guest's line and shares it; the mount reads through its share.
        Self.start(terminal, "top vm1")
        #expect(terminal.waitFor { $0.contains("vm1 ") && $0.contains("connected") }, "\(terminal.screen)")
        try guest.mountOnly()
        for _ in 0..<5 {
            #expect(guest.read("print/console_lvl") == "3\n")
            usleep(200_000)
        }
        let state = guest.read(".ukfs/state")
        #expect(state.hasPrefix("connected (shared by 1, line held by pid "), "\(state)")
        #expect(terminal.waitFor { $0.contains("vm1 ") && $0.contains("connected") && !$0.contains(" .. ") }, "\(terminal.screen)")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("rx_bytes") }, "\(terminal.screen)")
        #expect(guest.read("net/eth0/rx_bytes").hasSuffix("\n"))
        terminal.press("q", "q")
        Self.expectRestored(terminal)
        // top gone: the mount takes the line over by itself.
        #expect(Shell.eventually(within: 5) { guest.read("print/console_lvl") == "3\n" })

        // The mount first: top reads through the mount's share.
        Self.start(terminal, "top vm1")
        #expect(terminal.waitFor { $0.contains("vm1 ") && $0.contains("shared") && !$0.contains(" .. ") }, "\(terminal.screen)")
        #expect(guest.read(".ukfs/state") == "connected (shared by 1)\n")
        #expect(guest.read("print/console_lvl") == "3\n")
        terminal.press("q")
        Self.expectRestored(terminal)
        #expect(guest.read("print/console_lvl") == "3\n")
    }
}
