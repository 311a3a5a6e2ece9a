import CCrypt
import Foundation
import Synchronization

/// HTTP basic authentication against bcrypt hashes, verified by libcrypt (`crypt_ra`, Debian's
/// libxcrypt), as the exporter-toolkit's `basic_auth_users`. bcrypt is slow on purpose (tens of
/// milliseconds), so a pair that verified is remembered (a bounded cache of hashes of what was
/// sent, never the password itself) and a scrape every 15 s costs one check, not one each.
final class BasicAuth: Sendable {
    private let users: [String: String]
    private let verified = Mutex<Set<String>>([])
    static let maxRemembered = 64
    /// Checked for unknown users, so an unknown name costs what a known one costs.
    private static let decoy = "$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi"

    init(users: [String: String]) { self.users = users }

    static func isBcrypt(_ hash: String) -> Bool {
        ["$2b$", "$2y$", "$2a$"].contains { hash.hasPrefix($0) } && hash.utf8.count == 60
    }

    /// The name and password of a `Basic` `Authorization` value.
    private static func credentials(_ header: String?) -> (name: String, password: String)? {
        guard let header, header.lowercased().hasPrefix("basic "),
            let decoded = Data(base64Encoded: String(header.dropFirst("basic ".count)).trimmingCharacters(in: .whitespaces)),
            let pair = String(data: decoded, encoding: .utf8), let colon = pair.firstIndex(of: ":")
        else { return nil }
        return (String(pair[..<colon]), String(pair[pair.index(after: colon)...]))
    }

    /// Whether `header` is a pair that passed before: no bcrypt, so the event loop may ask.
    func remembers(_ header: String?) -> Bool {
        guard let (name, password) = Self.credentials(header), let hash = users[name] else { return false }
        let key = Self.cacheKey(name: name, password: password, hash: hash)
        return verified.withLock { $0.contains(key) }
    }

    /// Whether `header` (an `Authorization` value) names a user with the right password. Runs
    /// bcrypt unless the pair is remembered: call it off the event loop.
    func allows(_ header: String?) -> Bool {
        guard let (name, password) = Self.credentials(header) else { return false }
        let hash = users[name]
        let key = Self.cacheKey(name: name, password: password, hash: hash ?? "")
        if hash != nil, verified.withLock({ $0.contains(key) }) { return true }
        let matches = Self.verify(password: password, hash: hash ?? Self.decoy)
        guard matches, hash != nil else { return false }
        verified.withLock { set in
            if set.count >= Self.maxRemembered { set.removeAll() }
            set.insert(key)
        }
        return true
    }

    /// libcrypt's answer: the hash of `password` with `hash` as its setting equals `hash`.
    static func verify(password: String, hash: String) -> Bool {
        var data: UnsafeMutableRawPointer?
        var size: Int32 = 0
        defer { free(data) }
        guard let result = crypt_ra(password, hash, &data, &size) else { return false }
        let computed = Array(String(cString: result).utf8)
        let expected = Array(hash.utf8)
        guard computed.count == expected.count else { return false }
        // Every byte compared, whatever differs first.
        return zip(computed, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// A digest of what was sent: what the cache keeps instead of the password.
    private static func cacheKey(name: String, password: String, hash: String) -> String {
        var hasher = Hasher()
        hasher.combine(name)
        hasher.combine(password)
        hasher.combine(hash)
        return "\(name)\u{0}\(hash)\u{0}\(hasher.finalize())"
    }
}
