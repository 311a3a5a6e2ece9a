import ArgumentParser
import Logging

extension Logger.Level: @retroactive ExpressibleByArgument {}

enum LoggingSetup {
    /// Where a process's logs go.
    enum Destination {
        /// stderr: a command, a foreground server, or a background one given `-o log=PATH` (its stderr).
        case standardError
        /// syslog (facility daemon, tag `ukfs[PID]`): a background server with no `-o log=`, which
        /// has no terminal and no one reading its stderr, as sshfs and libfuse's daemons do.
        case syslog
    }

    static func logger(_ label: String, level: Logger.Level, to destination: Destination = .standardError) -> Logger {
        var logger: Logger
        switch destination {
        case .standardError: logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
        case .syslog: logger = Logger(label: label) { SyslogLogHandler(label: $0, socket: .shared) }
        }
        logger.logLevel = level
        return logger
    }
}
