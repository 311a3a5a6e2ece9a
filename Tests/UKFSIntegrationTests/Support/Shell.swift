import Foundation

/// Runs real programs (`sh -c`, `cat`, the built `ukfs`) as separate processes, as a user would,
/// with a time bound so a hung mount fails the test instead of hanging the run. Built on
/// posix_spawn and waitpid directly: children that leave daemons behind (`ukfs mount`) must not
/// keep a reader waiting for EOF, and every child must be reaped.
enum Shell {
    struct Output: CustomStringConvertible {
        let status: Int32
        let stdout: String
        let stderr: String
        var description: String { "exit \(status), stdout: \(stdout.debugDescription), stderr: \(stderr.debugDescription)" }
    }

    /// Runs `script` with bash (its error messages name the errno, as users see them); `environment` is added to the test process's own.
    @discardableResult
    static func run(_ script: String, environment: [String: String] = [:], timeout: Double = 20) -> Output {
        run(["/bin/bash", "-c", script], environment: environment, timeout: timeout)
    }

    @discardableResult
    static func run(_ arguments: [String], environment: [String: String] = [:], timeout: Double = 20) -> Output {
        var outPair: [Int32] = [-1, -1]
        var errPair: [Int32] = [-1, -1]
        // socketpairs rather than pipes: SOCK_CLOEXEC is atomic, so no other test's child inherits them.
        let cloexecStream = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        guard socketpair(AF_UNIX, cloexecStream, 0, &outPair) == 0,
            socketpair(AF_UNIX, cloexecStream, 0, &errPair) == 0
        else {
            return Output(status: -1, stdout: "", stderr: "socketpair: \(String(cString: strerror(errno)))")
        }
        guard let pid = spawn(arguments, environment: environment, stdout: outPair[1], stderr: errPair[1]) else {
            [outPair[0], outPair[1], errPair[0], errPair[1]].forEach { close($0) }
            return Output(status: -1, stdout: "", stderr: "cannot start \(arguments[0])")
        }
        close(outPair[1])
        close(errPair[1])
        defer { close(outPair[0]); close(errPair[0]) }

        var out = [UInt8]()
        var err = [UInt8]()
        var open = [outPair[0], errPair[0]]
        var exitStatus: Int32?
        var exitedAt: Date?
        var timedOut = false
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if exitStatus == nil {
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid {
                    exitStatus = decode(status)
                    exitedAt = Date()
                }
            }
            // Done when the child has exited and its output ended (or a grandchild still holds it).
            if let exitedAt, open.isEmpty || Date().timeIntervalSince(exitedAt) > 1 { break }
            if exitStatus == nil && Date() > deadline {
                timedOut = true
                kill(pid, SIGKILL)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
                exitStatus = -9
                break
            }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            _ = poll(&fds, nfds_t(fds.count), 20)
            for descriptor in fds where descriptor.revents != 0 {
                var chunk = [UInt8](repeating: 0, count: 65536)
                let count = read(descriptor.fd, &chunk, chunk.count)
                if count > 0 {
                    if descriptor.fd == outPair[0] { out += chunk[0..<count] } else { err += chunk[0..<count] }
                } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                    open.removeAll { $0 == descriptor.fd }
                }
            }
        }
        return Output(
            status: exitStatus ?? -1, stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self) + (timedOut ? "\n[killed after \(timeout) s]" : ""))
    }

    /// Starts a program with stdin from /dev/null; returns its pid.
    static func spawn(
        _ arguments: [String], environment: [String: String] = [:],
        stdout: Int32? = nil, stderr: Int32? = nil
    ) -> pid_t? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if let stdout {
            posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        if let stderr {
            posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        let env = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0)=\($1)" }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = env.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        // Children start as from a login shell: every signal at its default and none blocked, whatever
        // the test runner ignores or blocks (an ignored SIGINT would make `timeout -s INT` useless).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t()
        sigfillset(&all)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        guard posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp) == 0 else { return nil }
        return pid
    }

    private static func decode(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// Ends a child the test started: `signal`, then SIGKILL if it has not exited after `grace`
    /// seconds. Reaps it and returns its wait status (0: it exited 0).
    @discardableResult
    static func terminate(_ pid: pid_t, signal: Int32 = SIGTERM, grace: Double = 5) -> Int32 {
        kill(pid, signal)
        var status: Int32 = 0
        if !eventually(within: grace, { waitpid(pid, &status, WNOHANG) == pid }) {
            kill(pid, SIGKILL)
            waitpid(pid, &status, 0)
        }
        return status
    }

    /// Polls `condition` every 20 ms until it holds or `seconds` pass; returns whether it held.
    static func eventually(within seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            if condition() { return true }
            usleep(20_000)
        } while Date() < deadline
        return condition()
    }
}
