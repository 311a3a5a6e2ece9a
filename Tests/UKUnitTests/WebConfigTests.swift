import Foundation
import Testing

@testable import UKExport

/// `--web.config.file` as node_exporter reads it: strict keys, paths beside the file, bcrypt
/// hashes checked by libcrypt.
@Suite("Exporter web configuration")
struct WebConfigTests {
    /// bcrypt (cost 4) of "s3cret", made with Python's crypt over the same libcrypt.
    static let hash = "$2b$04$URiiwOegXt1jfdNDSiOEyuCcgSRHum3MigayxPxh6VUQSWP5Y9vSa"

    @Test("TLS and users are read; relative paths are the file's folder's; NoClientCert by default")
    func reads() throws {
        let config = try WebConfig.parse(
            """
            tls_server_config:
              cert_file: server.crt
              key_file: /etc/keys/server.key
            basic_auth_users:
              prometheus: \(Self.hash)
            """, folder: "/etc/ukfs")
        #expect(config.tls?.certFile == "/etc/ukfs/server.crt" && config.tls?.keyFile == "/etc/keys/server.key")
        #expect(config.tls?.clientAuth == .noClientCert && config.tls?.minVersion == .tls12)
        #expect(config.users == ["prometheus": Self.hash])
    }

    @Test(
        "what the file gets wrong is one line naming the key",
        arguments: [
            ("tls_server_config:\n  cert_file: a\n", "needs both cert_file and key_file"),
            ("tls_server_config:\n  cert_file: a\n  key_file: b\n  cert: c\n", "unknown key cert"),
            ("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: RequireAndVerifyClientCert\n", "needs client_ca_file"),
            ("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: Sometimes\n", "client_auth_type must be one of"),
            ("basic_auth_users:\n  prometheus: hunter2\n", "must be a bcrypt hash"),
            ("http_server_config:\n  http2: false\n", "unknown key http_server_config"),
            ("", "the file is empty"),
            ("- a list\n", "must be a mapping"),
        ])
    func refuses(text: String, expected: String) {
        #expect {
            _ = try WebConfig.parse(text, folder: ".")
        } throws: { error in
            "\(error)".contains(expected)
        }
    }

    @Test("basic auth: the right password passes (and is remembered), a wrong one or an unknown user does not")
    func basicAuth() {
        let auth = BasicAuth(users: ["prometheus": Self.hash])
        func header(_ pair: String) -> String { "Basic " + Data(pair.utf8).base64EncodedString() }
        #expect(auth.allows(header("prometheus:s3cret")))
        #expect(auth.allows(header("prometheus:s3cret")), "from the cache")
        #expect(!auth.allows(header("prometheus:s3cre")))
        #expect(!auth.allows(header("nobody:s3cret")))
        #expect(!auth.allows(nil) && !auth.allows("Bearer x") && !auth.allows("Basic !!!"))
        #expect(BasicAuth.verify(password: "s3cret", hash: Self.hash))
    }
}
