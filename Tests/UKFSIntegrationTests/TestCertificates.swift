import Foundation

/// A test CA and the certificates it signs, made with openssl in `folder`, and bcrypt hashes made
/// with Python's crypt over the system's libcrypt.
struct TestCertificates {
    let folder: String
    var caCertificate: String { folder + "/ca.crt" }

    init(folder: String) throws {
        self.folder = folder
        let made = Shell.run(
            """
            set -e
            cd '\(folder)'
            openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.crt \
                -days 2 -subj /CN=ukfs-test-ca 2>/dev/null
            """, timeout: 60)
        guard made.status == 0 else { throw FixtureError("openssl could not make a CA: \(made)") }
    }

    /// Signs a certificate for `name` (its IP addresses as subjectAltName) into `NAME.crt`, `NAME.key`.
    @discardableResult
    func issue(_ name: String, ips: [String] = ["127.0.0.1"], client: Bool = false) throws -> (certificate: String, key: String) {
        let alternative = ips.map { "IP:\($0)" }.joined(separator: ",")
        let usage = client ? "extendedKeyUsage=clientAuth" : "extendedKeyUsage=serverAuth\nsubjectAltName=\(alternative)"
        let made = Shell.run(
            """
            set -e
            cd '\(folder)'
            printf '%s\\n' '\(usage.replacingOccurrences(of: "\n", with: "' '"))' > '\(name).ext'
            openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout '\(name).key.new' \
                -out '\(name).csr' -subj '/CN=\(name)' 2>/dev/null
            openssl x509 -req -in '\(name).csr' -CA ca.crt -CAkey ca.key -CAcreateserial -out '\(name).crt.new' \
                -days 2 -extfile '\(name).ext' 2>/dev/null
            mv '\(name).key.new' '\(name).key'
            mv '\(name).crt.new' '\(name).crt'
            """, timeout: 60)
        guard made.status == 0 else { throw FixtureError("openssl could not sign \(name): \(made)") }
        return (folder + "/\(name).crt", folder + "/\(name).key")
    }

    /// The serial number of the certificate a TLS server at HOST:PORT presents.
    static func servedSerial(_ address: String, ca: String) -> String {
        Shell.run(
            "openssl s_client -connect '\(address)' -CAfile '\(ca)' </dev/null 2>/dev/null | openssl x509 -noout -serial",
            timeout: 20
        ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func serial(of certificate: String) -> String {
        Shell.run(["/usr/bin/openssl", "x509", "-noout", "-serial", "-in", certificate]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A bcrypt hash of `password` (cost 4: tests need not be slow).
    static func bcrypt(_ password: String) throws -> String {
        let made = Shell.run(
            [
                "/usr/bin/python3", "-W", "ignore", "-c",
                "import crypt, sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))", password,
            ])
        let hash = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard made.status == 0, hash.hasPrefix("$2") else { throw FixtureError("no bcrypt hash: \(made)") }
        return hash
    }
}
