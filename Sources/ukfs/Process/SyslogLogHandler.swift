import Logging

/// swift-log to syslog: each message one datagram, tagged `ukfs[PID]`, its severity the level's.
struct SyslogLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info
    var metadataProvider: Logger.MetadataProvider?
    let label: String
    let socket: SyslogSocket

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var all = metadata
        if let more = metadataProvider?.get() { all.merge(more) { _, new in new } }
        if let more = event.metadata { all.merge(more) { _, new in new } }
        let fields = all.isEmpty ? "" : " " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        socket.send(severity: Self.severity(event.level), tag: "ukfs", "\(label): \(event.message)\(fields)")
    }

    /// syslog(3)'s severities: LOG_DEBUG 7 … LOG_CRIT 2.
    static func severity(_ level: Logger.Level) -> Int32 {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }
}
