import ArgumentParser
import Logging

extension Logger.Level: @retroactive ExpressibleByArgument {}

enum LoggingSetup {
    /// Logs go to stderr (in the background, stderr is the `-o log=PATH` file or /dev/null).
    static func logger(_ label: String, level: Logger.Level) -> Logger {
        var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = level
        return logger
    }
}
