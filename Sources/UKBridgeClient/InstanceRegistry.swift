import Foundation

/// The folder where running instances leave their sockets as `NAME.sock`, so users can say
/// `ukfs mount vm1` instead of a path: `$UKFS_RUNTIME_DIR`, else `$XDG_RUNTIME_DIR/ukfs`, else
/// `/run/ukfs` for root and `/tmp/ukfs-<uid>` for others.
public struct InstanceRegistry: Sendable {
    public let folder: String

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let explicit = environment["UKFS_RUNTIME_DIR"], !explicit.isEmpty {
            folder = explicit
        } else if let xdg = environment["XDG_RUNTIME_DIR"], !xdg.isEmpty {
            folder = xdg + "/ukfs"
        } else if getuid() == 0 {
            folder = "/run/ukfs"
        } else {
            folder = "/tmp/ukfs-\(getuid())"
        }
    }

    public init(folder: String) { self.folder = folder }

    public func socketPath(for name: String) -> String { folder + "/" + name + ".sock" }

    /// A name an instance may register under: what a file name in the folder can be.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64 && name != "." && name != ".."
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }

    public enum Resolution: Sendable {
        case address(BridgeAddress, name: String?)
        case unknown(name: String, lookedIn: String)
        /// A socket somebody else owns: following it could hand our mount to their process.
        case foreign(name: String, path: String, uid: uid_t)
        case invalid(String)
    }

    /// Turns what the user typed into an address: an address form, or a registered name.
    public func resolve(_ nameOrAddress: String) -> Resolution {
        if let address = BridgeAddress(parsing: nameOrAddress) { return .address(address, name: nil) }
        guard Self.isValidName(nameOrAddress) else { return .invalid(nameOrAddress) }
        let path = socketPath(for: nameOrAddress)
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK else {
            return .unknown(name: nameOrAddress, lookedIn: path)
        }
        guard info.st_uid == getuid() else { return .foreign(name: nameOrAddress, path: path, uid: info.st_uid) }
        return .address(.unix(path: path), name: nameOrAddress)
    }

    /// Creates the folder private to its owner (0700); refuses one owned by somebody else.
    public func prepareFolder() throws(RegistryError) {
        if mkdir(folder, 0o700) != 0 && errno != EEXIST {
            throw .cannotCreate(folder, errno: errno)
        }
        var info = stat()
        guard lstat(folder, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { throw .notAFolder(folder) }
        guard info.st_uid == getuid() else { throw .foreignOwner(folder, uid: info.st_uid) }
    }

    /// Names of the registered instances (sockets in the folder), sorted.
    public func registeredNames() -> [String] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return entries.filter { $0.hasSuffix(".sock") }.map { String($0.dropLast(5)) }.filter(Self.isValidName).sorted()
    }
}

public enum RegistryError: Error, CustomStringConvertible {
    case cannotCreate(String, errno: Int32)
    case notAFolder(String)
    case foreignOwner(String, uid: uid_t)

    public var description: String {
        switch self {
        case .cannotCreate(let folder, let errno):
            "cannot create the registry folder \(folder): \(String(cString: strerror(errno))) — set UKFS_RUNTIME_DIR to a folder you own"
        case .notAFolder(let folder):
            "the registry path \(folder) is not a folder — remove it or set UKFS_RUNTIME_DIR"
        case .foreignOwner(let folder, let uid):
            "the registry folder \(folder) belongs to uid \(uid), not you — set UKFS_RUNTIME_DIR to a folder you own"
        }
    }
}
