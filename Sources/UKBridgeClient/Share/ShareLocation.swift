import Foundation

/// Where the process that holds an instance's line shares it, beside the instance's registry
/// entry: `NAME.share`, the socket local clients speak protocol v1 on, and `NAME.lock`, whose
/// exclusive lock is the right to talk to the guest directly. A real guest serves one host at a
/// time (a QEMU chardev leaves the next connection waiting), so exactly one process may hold it.
public struct ShareLocation: Sendable, Hashable, CustomStringConvertible {
    public let folder: String
    public let name: String

    public init(folder: String, name: String) {
        self.folder = folder
        self.name = name
    }

    public var socketPath: String { folder + "/" + name + ".share" }
    public var lockPath: String { folder + "/" + name + ".lock" }
    public var description: String { socketPath }
}

extension InstanceRegistry {
    /// The share of a registered name.
    public func share(for name: String) -> ShareLocation {
        ShareLocation(folder: folder, name: name)
    }

    /// The share for an address that is a registry socket (`unix:<folder>/NAME.sock`), so a
    /// guest reached by its path still shares its line with those that name it.
    public func share(for address: BridgeAddress) -> ShareLocation? {
        guard case .unix(let path) = address else { return nil }
        let url = URL(fileURLWithPath: path)
        let file = url.lastPathComponent
        guard file.hasSuffix(".sock"),
            url.deletingLastPathComponent().standardizedFileURL.path == URL(fileURLWithPath: folder).standardizedFileURL.path
        else { return nil }
        let name = String(file.dropLast(5))
        return Self.isValidName(name) ? share(for: name) : nil
    }
}
