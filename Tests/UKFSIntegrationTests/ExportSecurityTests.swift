import Foundation
import Testing

/// `ukfs export --web.config.file`: TLS and basic auth in node_exporter's format, checked with curl
/// and openssl as a remote Prometheus would meet them.
@Suite("Exporter TLS and basic auth")
struct ExportSecurityTests {
    /// Starts `ukfs export vm1` with `config` written as its web configuration file.
    static func export(_ guest: Instance, config: String) throws -> (BackgroundProcess, String) {
        let path = guest.folder + "/tls/web.yml"
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        let process = try BackgroundProcess(
            [Paths.ukfs, "export", "vm1", "--listen", "127.0.0.1:0", "--web.config.file", path],
            environment: guest.environment, outputPath: guest.folder + "/export.out")
        guard let rest = process.line(startingWith: "ukfs: exporting "),
            let url = rest.split(separator: " ").first(where: { $0.hasPrefix("https://") })
        else {
            process.stop()
            throw FixtureError("ukfs export did not say where it listens over https: \(process.output)")
        }
        return (process, String(url))
    }

    /// curl's status code (`stdout`) and the body it got (`stderr`).
    static func curl(_ arguments: [String]) -> Shell.Output {
        let body = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ukfs-curl-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        ).path
        defer { unlink(body) }
        let result = Shell.run(["/usr/bin/curl", "-s", "-o", body, "-w", "%{http_code}"] + arguments, timeout: 30)
        return Shell.Output(
            status: result.status, stdout: result.stdout, stderr: (try? String(contentsOfFile: body, encoding: .utf8)) ?? "")
    }

    /// A running guest and, in its folder's `tls/`, a CA and a server certificate it signed.
    static func guestWithCertificates() throws -> (Instance, TestCertificates) {
        let guest = try Instance()
        do {
            try guest.startGuest()
            try FileManager.default.createDirectory(atPath: guest.folder + "/tls", withIntermediateDirectories: true)
            let certificates = try TestCertificates(folder: guest.folder + "/tls")
            try certificates.issue("server")
            return (guest, certificates)
        } catch {
            guest.stop()
            throw error
        }
    }

    @Test(
        "curl --cacert with basic auth gets metrics; a wrong password or none is 401; plain HTTP is refused; a renewed certificate is served without a restart"
    )
    func tlsAndBasicAuth() throws {
        let (guest, certificates) = try Self.guestWithCertificates()
        defer { guest.stop() }
        let hash = try TestCertificates.bcrypt("s3cret")
        let (export, url) = try Self.export(
            guest,
            config: """
                tls_server_config:
                  cert_file: server.crt
                  key_file: server.key
                basic_auth_users:
                  prometheus: \(hash)
                """)
        defer { export.stop() }
        #expect(export.output.contains("with TLS and basic auth"), "\(export.output)")
        let ca = certificates.caCertificate
        let good = Self.curl(["--cacert", ca, "-u", "prometheus:s3cret", url])
        #expect(good.stdout == "200" && good.stderr.contains("ukfs_up{ukstore_instance=\"vm1\"} 1"), "\(good)")
        let wrong = Self.curl(["--cacert", ca, "-u", "prometheus:wrong", url])
        #expect(wrong.stdout == "401", "\(wrong)")
        let unknown = Self.curl(["--cacert", ca, "-u", "nobody:s3cret", url])
        #expect(unknown.stdout == "401", "\(unknown)")
        let none = Shell.run(["/usr/bin/curl", "-s", "-D", "-", "-o", "/dev/null", "--cacert", ca, url])
        #expect(none.stdout.hasPrefix("HTTP/1.1 401") && none.stdout.lowercased().contains("www-authenticate: basic realm="), "\(none)")
        // Plain HTTP gets no answer at all: the TLS handshake fails and the connection is closed.
        let plain = Shell.run(["/usr/bin/curl", "-s", "-u", "prometheus:s3cret", url.replacingOccurrences(of: "https://", with: "http://")])
        #expect(plain.status != 0 && !plain.stdout.contains("ukfs_up"), "\(plain)")
        // An untrusted server is refused by curl: the CA matters.
        #expect(Shell.run(["/usr/bin/curl", "-sf", "-u", "prometheus:s3cret", url]).status != 0)

        // Renewal: new files in place; the next connections get the new certificate.
        let address = String(url.dropFirst("https://".count).prefix { $0 != "/" })
        let before = TestCertificates.servedSerial(address, ca: ca)
        let renewed = try certificates.issue("server")
        let fresh = TestCertificates.serial(of: renewed.certificate)
        #expect(!before.isEmpty && before != fresh)
        #expect(Shell.eventually(within: 10) { TestCertificates.servedSerial(address, ca: ca) == fresh }, "still \(before)")
        #expect(Self.curl(["--cacert", ca, "-u", "prometheus:s3cret", url]).stdout == "200")
    }

    @Test("RequireAndVerifyClientCert: a client without a certificate, or with one the CA did not sign, is refused")
    func clientCertificates() throws {
        let (guest, certificates) = try Self.guestWithCertificates()
        defer { guest.stop() }
        let client = try certificates.issue("prometheus", client: true)
        let (export, url) = try Self.export(
            guest,
            config: """
                tls_server_config:
                  cert_file: server.crt
                  key_file: server.key
                  client_ca_file: ca.crt
                  client_auth_type: RequireAndVerifyClientCert
                """)
        defer { export.stop() }
        let ca = certificates.caCertificate
        let with = Self.curl(["--cacert", ca, "--cert", client.certificate, "--key", client.key, url])
        #expect(with.stdout == "200" && with.stderr.contains("ukfs_up"), "\(with)")
        let without = Self.curl(["--cacert", ca, url])
        #expect(without.stdout != "200" && !without.stderr.contains("ukfs_up"), "\(without)")
        // A certificate from another CA.
        try FileManager.default.createDirectory(atPath: guest.folder + "/other", withIntermediateDirectories: true)
        let stranger = try TestCertificates(folder: guest.folder + "/other").issue("stranger", client: true)
        let foreign = Self.curl(["--cacert", ca, "--cert", stranger.certificate, "--key", stranger.key, url])
        #expect(foreign.stdout != "200" && !foreign.stderr.contains("ukfs_up"), "\(foreign)")
    }

    @Test("a bad web configuration file is one line and exit 1, before anything listens")
    func badFile() throws {
        let guest = try Instance()
        defer { guest.stop() }
        try guest.startGuest()
        let path = guest.folder + "/web.yml"
        try "tls_server_config:\n  cert_file: missing.crt\n  key_file: missing.key\n".write(toFile: path, atomically: true, encoding: .utf8)
        let result = guest.ukfs(["export", "vm1", "--listen", "127.0.0.1:0", "--web.config.file", path])
        #expect(result.status == 1 && result.stdout.isEmpty, "\(result)")
        #expect(
            result.stderr.split(separator: "\n").count == 1
                && result.stderr.contains("cert_file \(guest.folder)/missing.crt: no such file"), "\(result)")
    }
}
