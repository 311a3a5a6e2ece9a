import UKBridgeClient

/// What `ukfs mount NAME` means: an address the user wrote, or a name found in the registry.
struct ResolvedInstance {
    let name: String
    let address: BridgeAddress
    /// Where the guest's line is shared: every name (and a registry socket's path) has one, so
    /// whoever holds the line shares it and the others reach the guest through it.
    let share: ShareLocation?

    init(name: String, address: BridgeAddress, share: ShareLocation? = nil) {
        self.name = name
        self.address = address
        self.share = share
    }

    /// How to reach it: through the share when another process holds the line.
    var line: LineTarget { LineTarget(address: address, share: share) }

    /// An address form; else a name in the registry; else a KraftKit machine (`kraft ps`); else
    /// one line saying all that was tried.
    init(_ nameOrAddress: String, registry: InstanceRegistry) throws {
        switch BridgeAddress.parse(nameOrAddress) {
        case .failure(let error):
            throw CLIError(error.description)
        case .success(let address?):
            self.name = Self.displayName(for: address)
            self.address = address
            self.share = registry.share(for: address)
            return
        case .success(nil):
            break
        }
        switch registry.resolve(nameOrAddress) {
        case .address(let address, let name):
            self.name = name ?? Self.displayName(for: address)
            self.address = address
            self.share = name.map { registry.share(for: $0) } ?? registry.share(for: address)
        case .unknown(let name, let lookedIn):
            switch KraftKit.lookup(name) {
            case .found(_, let socket):
                self.name = name
                self.address = .unix(path: socket)
                self.share = registry.share(for: name)
            case .notFound(let why):
                throw CLIError(
                    "unknown instance '\(name)': no socket at \(lookedIn), and \(why) — start it (ukfs sim \(name)), list known ones (ukfs list), or give an address (\(BridgeAddress.forms))"
                )
            }
        case .foreign(let name, let path, let uid):
            throw CLIError(
                "refusing instance '\(name)': \(path) belongs to uid \(uid), not you — give its address explicitly (unix:\(path)) if you trust it"
            )
        case .invalid(let text):
            throw CLIError("'\(text)' is neither an instance name (letters, digits, - _ .) nor an address (\(BridgeAddress.forms))")
        }
    }

    /// For `-o wait` by NAME: a name that is not registered yet is awaited at the registry's
    /// `NAME.sock`, where the VM (or `ukfs sim NAME`) will create it; nil when that cannot be.
    /// The folder is made (0700) or checked to be ours first, as `ukfs sim` does: what appears
    /// in it later can then only be the user's own. Its line is shared at the registry's
    /// `NAME.share` like a registered instance's, so once the guest answers, the waiting mount
    /// holds the line and every other command reaches the guest through it.
    static func awaitingRegistration(_ name: String, registry: InstanceRegistry) -> ResolvedInstance? {
        guard case .unknown(let name, let socket) = registry.resolve(name), (try? registry.prepareFolder()) != nil else { return nil }
        return ResolvedInstance(name: name, address: .unix(path: socket), share: registry.share(for: name))
    }

    /// The same, for the commands that run in an async context.
    static func resolving(_ nameOrAddress: String) async throws -> ResolvedInstance {
        try ResolvedInstance(nameOrAddress, registry: InstanceRegistry())
    }

    /// A socket named `vm1.sock` names instance `vm1`; otherwise the path itself.
    static func displayName(for address: BridgeAddress) -> String {
        switch address {
        case .unix(let path):
            let file = path.split(separator: "/").last.map(String.init) ?? path
            return file.hasSuffix(".sock") ? String(file.dropLast(5)) : file
        default:
            return address.description
        }
    }

    /// The one line a user reads when the instance cannot be reached.
    func describe(_ error: BridgeError) -> String {
        // An instance given as an address is named by it: say it once.
        let who = name == address.description ? "\(address)" : "instance '\(name)' at \(address)"
        switch error {
        case .unreachable, .transport:
            return "cannot reach \(who): \(error.problem)"
        default:
            return "\(who) \(error.problem)"
        }
    }
}
