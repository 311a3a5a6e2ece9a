import Foundation

/// `ukfs mount` without -f: a detached copy of ukfs serves the mount, and the command returns once
/// that copy says the mount is ready (or why it is not). A fresh process, not fork(): forking a
/// process whose Swift runtime has threads is unsafe.
enum Background {
    static let readyFD: Int32 = 3

    /// `onWaiting` gets each line the server says it waits on (`waiting for vm1 at …`) before it is ready.
    static func spawnServer(arguments: [String], logPath: String?, onWaiting: (String) -> Void = { _ in }) throws {
        var pipeFDs: [Int32] = [0, 0]
        // Close-on-exec, so only the dup2'd copy (fd 3) reaches the server: its closing is the EOF
        // this side waits for.
        guard pipe(&pipeFDs) == 0 else { throw CLIError("cannot create a pipe: \(String(cString: strerror(errno)))") }
        for fd in pipeFDs { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        defer { close(pipeFDs[0]) }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let fullArguments = [executable] + arguments + ["--ready-fd", String(readyFD)]

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        if let logPath {
            posix_spawn_file_actions_addopen(&actions, 2, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], readyFD)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // POSIX_SPAWN_SETSID (glibc ≥ 2.26; Swift does not import the GNU-only macro): the server
        // gets a session of its own, so the shell's Ctrl-C or hang-up does not reach it.
        posix_spawnattr_setflags(&attributes, Int16(0x80))

        var pid: pid_t = 0
        let argv = fullArguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        close(pipeFDs[1])
        guard status == 0 else { throw CLIError("cannot start the background server: \(String(cString: strerror(status)))") }

        // Lines: any number of "waiting: …", then "ready" or "error: …".
        var answer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 512)
        var text = ""
        reading: while answer.count < 16384 {
            let count = read(pipeFDs[0], &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            answer += chunk[0..<count]
            while let newline = answer.firstIndex(of: 0x0A) {
                let line = String(decoding: answer[..<newline], as: UTF8.self)
                answer.removeSubrange(...newline)
                if line.hasPrefix("waiting: ") { onWaiting(String(line.dropFirst("waiting: ".count))); continue }
                text = line
                break reading
            }
        }
        if text == "ready" { return }
        if text.hasPrefix("error: ") { throw CLIError(String(text.dropFirst("error: ".count))) }
        var exitStatus: Int32 = 0
        waitpid(pid, &exitStatus, 0)
        throw CLIError(
            "the background server exited before the mount was ready — see syslog (journalctl -t ukfs), or run with -f or -o log=PATH, to see why"
        )
    }
}

/// The child's side of that pipe: "waiting: …" lines, then one line, "ready" or "error: …", then closed.
struct ReadyChannel {
    let fd: Int32?

    func waiting(_ message: String) { write("waiting: \(message)\n") }
    func succeed() { send("ready\n") }
    func fail(_ message: String) { send("error: \(message)\n") }

    private func send(_ text: String) {
        write(text)
        if let fd { close(fd) }
    }

    private func write(_ text: String) {
        guard let fd else { return }
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    }
}
