import UKBridgeClient

/// What `ukfs mount NAME` means: an address the user wrote, or a name found in the registry.
struct ResolvedInstance {
    let name: String
    let address: BridgeAddress

    init(_ nameOrAddress: String, registry: InstanceRegistry) throws {
        switch registry.resolve(nameOrAddress) {
        case .address(let address, let name):
            self.name = name ?? Self.displayName(for: address)
            self.address = address
        case .unknown(let name, let lookedIn):
            throw CLIError("unknown instance '\(name)': no socket at \(lookedIn) — start it (ukfs sim \(name)), list known ones (ukfs list), or give unix:PATH")
        case .invalid(let text):
            throw CLIError("'\(text)' is neither an instance name (letters, digits, - _ .) nor an address (unix:PATH)")
        }
    }

    /// The same, for commands that may also ask KraftKit (name resolution beyond the registry).
    static func resolving(_ nameOrAddress: String) async throws -> ResolvedInstance {
        try ResolvedInstance(nameOrAddress, registry: InstanceRegistry())
    }

    /// A socket named `vm1.sock` names instance `vm1`; otherwise the path itself.
    static func displayName(for address: BridgeAddress) -> String {
        switch address {
        case .unix(let path):
            let file = path.split(separator: "/").last.map(String.init) ?? path
            return file.hasSuffix(".sock") ? String(file.dropLast(5)) : file
        }
    }

    /// The one line a user reads when the instance cannot be reached.
    func describe(_ error: BridgeError) -> String {
        switch error {
        case .unreachable(_, let errno):
            let reason = BridgeError.unreachable(address, errno: errno).description
                .replacingOccurrences(of: "cannot reach \(address): ", with: "")
            return "cannot reach instance '\(name)' at \(address): \(reason)"
        default:
            return "instance '\(name)' at \(address): \(error.description)"
        }
    }
}
