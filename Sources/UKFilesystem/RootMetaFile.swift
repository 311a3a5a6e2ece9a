/// The read-only files of a `mount --all` root's `.ukfs/`, which describe the mount itself (each
/// instance folder has its own `.ukfs/` too, describing that instance).
enum RootMetaFile: String, CaseIterable, Sendable {
    /// The instance folders, one name a line, sorted.
    case instances
    /// The registry folder being followed.
    case registry
    /// Sockets in the registry that get no folder, one `NAME: why` a line.
    case refused

    /// Inodes of the mount root's own nodes (slot 0): the root is FUSE's 1, `.ukfs` 2, files after.
    static let rootIno: UInt64 = 1
    static let folderIno: UInt64 = 2

    var ino: UInt64 {
        Self.folderIno + 1 + UInt64(Self.allCases.firstIndex(of: self) ?? 0)
    }

    init?(ino: UInt64) {
        guard let file = Self.allCases.first(where: { $0.ino == ino }) else { return nil }
        self = file
    }

    func contents(of instances: InstanceSet) -> [UInt8] {
        let lines: [String] =
            switch self {
            case .instances: instances.all().map(\.name)
            case .registry: [instances.registry.folder]
            case .refused: instances.refusals().map { "\($0.name): \($0.reason)" }
            }
        return Array(lines.map { $0 + "\n" }.joined().utf8)
    }
}
