import Foundation
import Logging
import NIOSSL
import Synchronization

/// The TLS context new connections get, rebuilt when the certificate, key or CA file changes (a
/// renewed certificate is served without a restart, as node_exporter serves it). Files are looked
/// at no more than once a second; a change that does not load (a key written before its
/// certificate) keeps the previous context, and says why once.
final class TLSContextSource: Sendable {
    private let settings: WebConfig.TLS
    private let logger: Logger
    private struct State {
        var context: NIOSSLContext
        var stamp: [FileStamp]
        var checked: ContinuousClock.Instant
        var failedStamp: [FileStamp]?
    }
    private let state: Mutex<State>

    /// Loads the files now: a configuration that cannot serve fails here, at start.
    init(_ settings: WebConfig.TLS, logger: Logger) throws(WebConfig.Problem) {
        self.settings = settings
        self.logger = logger
        let stamp = Self.stamp(settings)
        let context = try Self.makeContext(settings)
        state = Mutex(State(context: context, stamp: stamp, checked: .now, failedStamp: nil))
    }

    /// The context to serve a new connection with.
    func current() -> NIOSSLContext {
        let now = ContinuousClock.now
        let due = state.withLock { state -> [FileStamp]? in
            guard now - state.checked >= .seconds(1) else { return nil }
            state.checked = now
            let stamp = Self.stamp(settings)
            return stamp == state.stamp || stamp == state.failedStamp ? nil : stamp
        }
        if let due {
            do {
                let fresh = try Self.makeContext(settings)
                state.withLock {
                    $0.context = fresh
                    $0.stamp = due
                    $0.failedStamp = nil
                }
                logger.notice("TLS: certificate files changed; new connections get the new ones")
            } catch {
                state.withLock { $0.failedStamp = due }
                logger.warning("TLS: certificate files changed but do not load (\(error)); still serving the previous ones")
            }
        }
        return state.withLock { $0.context }
    }

    /// Modification time, size and inode of each file: what a rewrite or a rename changes.
    struct FileStamp: Equatable, Sendable {
        let modified: Int
        let nanoseconds: Int
        let size: Int
        let inode: UInt64
    }

    private static func stamp(_ settings: WebConfig.TLS) -> [FileStamp] {
        [settings.certFile, settings.keyFile, settings.clientCAFile].compactMap { $0 }.map { path in
            var info = stat()
            guard stat(path, &info) == 0 else { return FileStamp(modified: -1, nanoseconds: 0, size: -1, inode: 0) }
            return FileStamp(
                modified: info.st_mtim.tv_sec, nanoseconds: info.st_mtim.tv_nsec, size: Int(info.st_size), inode: UInt64(info.st_ino))
        }
    }

    static func makeContext(_ settings: WebConfig.TLS) throws(WebConfig.Problem) -> NIOSSLContext {
        func load<T>(_ what: String, _ path: String, _ body: () throws -> T) throws(WebConfig.Problem) -> T {
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw WebConfig.Problem(
                    "tls_server_config: \(what) \(path): \(FileManager.default.fileExists(atPath: path) ? "not readable" : "no such file")")
            }
            do { return try body() } catch {
                throw WebConfig.Problem(
                    "tls_server_config: \(what) \(path): not a PEM \(what == "key_file" ? "private key" : "certificate") (\(error))")
            }
        }
        let chain = try load("cert_file", settings.certFile) { try NIOSSLCertificate.fromPEMFile(settings.certFile) }
        guard !chain.isEmpty else { throw WebConfig.Problem("tls_server_config: cert_file \(settings.certFile) holds no certificate") }
        let key = try load("key_file", settings.keyFile) { try NIOSSLPrivateKey(file: settings.keyFile, format: .pem) }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = settings.minVersion == .tls13 ? .tlsv13 : .tlsv12
        if let ca = settings.clientCAFile {
            let roots = try load("client_ca_file", ca) { try NIOSSLCertificate.fromPEMFile(ca) }
            configuration.trustRoots = .certificates(roots)
            switch settings.clientAuth {
            case .noClientCert: configuration.certificateVerification = .none
            case .verifyClientCertIfGiven: configuration.certificateVerification = .optionalVerification
            case .requireAndVerifyClientCert: configuration.certificateVerification = .noHostnameVerification
            }
        }
        do { return try NIOSSLContext(configuration: configuration) } catch {
            throw WebConfig.Problem("tls_server_config: the certificate and key do not make a TLS context (do they match?): \(error)")
        }
    }
}
