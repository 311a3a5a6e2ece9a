import Logging

/// What `--web.config.file` turns on: TLS (its context reloaded when the files change) and basic
/// auth. Everything is loaded at start, so a bad file is one error then, never a listener that
/// serves half-secured.
public struct WebSecurity: Sendable {
    let tls: TLSContextSource?
    let auth: BasicAuth?

    public var describes: String {
        switch (tls != nil, auth != nil) {
        case (true, true): "TLS and basic auth"
        case (true, false): "TLS"
        case (false, true): "basic auth"
        case (false, false): "neither TLS nor basic auth"
        }
    }

    public var scheme: String { tls == nil ? "http" : "https" }

    public static func load(path: String, logger: Logger) throws(WebConfig.Problem) -> WebSecurity {
        let config = try WebConfig.load(path: path)
        let tls = try config.tls.map { settings throws(WebConfig.Problem) in try TLSContextSource(settings, logger: logger) }
        return WebSecurity(tls: tls, auth: config.users.isEmpty ? nil : BasicAuth(users: config.users))
    }
}
