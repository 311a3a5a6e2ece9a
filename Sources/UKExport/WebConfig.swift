import Foundation
import Yams

/// `--web.config.file`: the Prometheus exporter-toolkit's web configuration, as node_exporter reads
/// it — `tls_server_config` (`cert_file`, `key_file`, optional `client_ca_file` and
/// `client_auth_type`, `min_version`) and `basic_auth_users` (name: bcrypt hash). Read strictly,
/// as the toolkit does: an unknown key is an error, never a setting silently left out.
public struct WebConfig: Sendable, Equatable {
    public struct TLS: Sendable, Equatable {
        public var certFile: String
        public var keyFile: String
        public var clientCAFile: String?
        public var clientAuth: ClientAuth
        public var minVersion: MinVersion
    }

    /// The toolkit's `client_auth_type` values ukfs supports.
    public enum ClientAuth: String, Sendable, CaseIterable {
        case noClientCert = "NoClientCert"
        case verifyClientCertIfGiven = "VerifyClientCertIfGiven"
        case requireAndVerifyClientCert = "RequireAndVerifyClientCert"
    }

    public enum MinVersion: String, Sendable, CaseIterable {
        case tls12 = "TLS12"
        case tls13 = "TLS13"
    }

    public var tls: TLS?
    /// Name → bcrypt hash (`$2b$`, `$2y$`, `$2a$`).
    public var users: [String: String]

    /// What is wrong with a file: one line, naming the key.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// Reads the file at `path`; relative certificate paths are taken from the file's folder, as the
    /// toolkit takes them.
    public static func load(path: String) throws(Problem) -> WebConfig {
        guard FileManager.default.fileExists(atPath: path) else { throw Problem("no such file") }
        guard FileManager.default.isReadableFile(atPath: path), let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Problem("cannot read it as UTF-8 text (permissions?)")
        }
        let folder = (path as NSString).deletingLastPathComponent
        return try parse(text, folder: folder.isEmpty ? "." : folder)
    }

    static func parse(_ text: String, folder: String) throws(Problem) -> WebConfig {
        let document: Any?
        do { document = try Yams.load(yaml: text) } catch {
            throw Problem("not YAML: \(String(describing: error).split(separator: "\n").first ?? "")")
        }
        guard let document else { throw Problem("the file is empty: give tls_server_config, basic_auth_users or both") }
        let top = try mapping(document, "the file")
        try only(["tls_server_config", "basic_auth_users"], in: top, "the file")
        var config = WebConfig(tls: nil, users: [:])
        if let tls = top["tls_server_config"] {
            let fields = try mapping(tls, "tls_server_config")
            try only(["cert_file", "key_file", "client_ca_file", "client_auth_type", "min_version"], in: fields, "tls_server_config")
            func path(_ key: String) throws(Problem) -> String? {
                guard let value = fields[key] else { return nil }
                guard let text = value as? String, !text.isEmpty else { throw Problem("tls_server_config: \(key) must be a path") }
                return text.hasPrefix("/") ? text : folder + "/" + text
            }
            guard let cert = try path("cert_file"), let key = try path("key_file") else {
                throw Problem("tls_server_config needs both cert_file and key_file")
            }
            let auth = try choice(fields["client_auth_type"], ClientAuth.self, "client_auth_type") ?? .noClientCert
            let ca = try path("client_ca_file")
            if auth != .noClientCert && ca == nil {
                throw Problem("tls_server_config: client_auth_type \(auth.rawValue) needs client_ca_file")
            }
            let minimum = try choice(fields["min_version"], MinVersion.self, "min_version") ?? .tls12
            config.tls = TLS(certFile: cert, keyFile: key, clientCAFile: ca, clientAuth: auth, minVersion: minimum)
        }
        if let users = top["basic_auth_users"] {
            for (name, hash) in try mapping(users, "basic_auth_users") {
                guard let hash = hash as? String, BasicAuth.isBcrypt(hash) else {
                    throw Problem(
                        "basic_auth_users: \(name)'s password must be a bcrypt hash ($2b$, $2y$ or $2a$, e.g. from htpasswd -nbB)")
                }
                config.users[name] = hash
            }
        }
        return config
    }

    private static func mapping(_ value: Any, _ what: String) throws(Problem) -> [String: Any] {
        guard let map = value as? [AnyHashable: Any] else { throw Problem("\(what) must be a mapping of keys to values") }
        var result: [String: Any] = [:]
        for (key, value) in map {
            guard let key = key as? String else { throw Problem("\(what): every key must be text") }
            result[key] = value
        }
        return result
    }

    private static func only(_ keys: Set<String>, in map: [String: Any], _ what: String) throws(Problem) {
        if let unknown = map.keys.sorted().first(where: { !keys.contains($0) }) {
            throw Problem("\(what): unknown key \(unknown) (ukfs reads \(keys.sorted().joined(separator: ", ")))")
        }
    }

    private static func choice<Value: RawRepresentable & CaseIterable>(
        _ value: Any?, _ type: Value.Type, _ key: String
    ) throws(Problem) -> Value? where Value.RawValue == String {
        guard let value else { return nil }
        guard let text = value as? String, let chosen = Value(rawValue: text) else {
            throw Problem("tls_server_config: \(key) must be one of \(Value.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return chosen
    }
}
