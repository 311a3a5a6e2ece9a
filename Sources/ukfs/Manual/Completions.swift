import ArgumentParser
import Foundation
import Logging
import NIOPosix
import UKBridgeClient
import UKGuestTree

/// Shell completion that knows the domain: instance names, entry paths of an instance, ukfs
/// mountpoints, mount options. argument-parser's generated scripts call these through
/// `ukfs ---completion …` with the words on the command line, the index of the word being
/// completed and its text so far; each returns the candidates, which the script filters by prefix.
enum Completions {
    /// Registered instances, then KraftKit's machines.
    static func instances(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        let names = InstanceRegistry().registeredNames() + KraftKit.machineNames()
        var seen = Set<String>()
        return names.filter { $0.hasPrefix(prefix) && seen.insert($0).inserted }
    }

    /// Where ukfs mounts are (type fuse.ukfs), for `ukfs umount`.
    static func mountpoints(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        UkfsMounts.all().map(\.mountpoint).filter { $0.hasPrefix(prefix) }
    }

    /// `-o`: the options, after those already written (`ro,wa` → `ro,wait`).
    static func mountOptions(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        let written = prefix.split(separator: ",", omittingEmptySubsequences: false).dropLast().joined(separator: ",")
        let head = written.isEmpty ? "" : written + ","
        let options = [
            "allow_other", "ro", "rw", "wait", "timeout=", "max_threads=", "passthrough=", "log=",
            "nosuid", "nodev", "noexec", "noatime", "_netdev", "noauto", "nofail",
        ]
        return options.map { head + $0 }.filter { $0.hasPrefix(prefix) }
    }

    /// Entry paths of the instance named on the command line (`ukfs get vm1 net/<TAB>`): from its
    /// mount when it is mounted (a real guest's one line is then taken), else from the guest itself.
    /// Directories end in `/`; when only one directory matches, its children are offered instead,
    /// so the shell completes the common part and adds no space after a directory.
    static func entryPaths(_ words: [String], _ index: Int, _ prefix: String) async -> [String] {
        guard let instance = instanceWord(in: words, before: index) else { return [] }
        guard let target = try? ResolvedInstance(instance, registry: InstanceRegistry()) else { return [] }
        let lister: (String) async -> [(name: String, isDirectory: Bool)]?
        if let root = UkfsMounts.root(of: target), MountLister.children(of: root) != nil {
            lister = { directory in MountLister.children(of: root + "/" + directory) }
        } else if let tree = await connect(target) {
            lister = { directory in await GuestLister.children(of: directory, in: tree) }
        } else {
            return []
        }
        var folder = prefix.contains("/") ? String(prefix[...(prefix.lastIndex(of: "/") ?? prefix.startIndex)]) : ""
        var leaf = String(prefix.dropFirst(folder.count))
        for _ in 0..<8 {
            guard let children = await lister(folder) else { return [] }
            // Dot names (the mount's .ukfs) only when asked for, as ls shows them.
            let matches = children.filter { $0.name.hasPrefix(leaf) && (leaf.hasPrefix(".") || !$0.name.hasPrefix(".")) }
            let candidates = matches.map { folder + $0.name + ($0.isDirectory ? "/" : "") }
            guard matches.count == 1, let only = matches.first, only.isDirectory else { return candidates.sorted() }
            folder += only.name + "/"
            leaf = ""
        }
        return []
    }

    /// The instance of a scripting command: the first word after the subcommand that is not an option.
    static func instanceWord(in words: [String], before index: Int) -> String? {
        guard let command = words.firstIndex(where: { ["ls", "get", "set", "watch", "dump"].contains($0) }) else { return nil }
        var position = command + 1
        while position < min(index, words.count) {
            let word = words[position]
            if word == "--timeout" || word == "--interval" || word == "--count" { position += 2; continue }
            if !word.hasPrefix("-") { return word }
            position += 1
        }
        return nil
    }

    /// A short-lived connection for listing: a completion must answer within a keystroke or so.
    private static func connect(_ target: ResolvedInstance) async -> GuestTree? {
        let group = MultiThreadedEventLoopGroup.singleton
        let timeout = Duration.seconds(1)
        var logger = Logger(label: "ukfs.complete")
        logger.logLevel = .critical
        guard
            let connection = try? await BridgeConnection.connect(
                to: target.address, group: group, timeout: timeout,
                logger: logger)
        else { return nil }
        return GuestTree(connection: connection, timeout: timeout)
    }
}

/// Listing a directory of a mounted instance through the mount itself.
enum MountLister {
    static func children(of path: String) -> [(name: String, isDirectory: Bool)]? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return nil }
        return names.map { name in
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path + "/" + name, isDirectory: &isDirectory)
            return (name, isDirectory.boolValue)
        }
    }
}

/// Listing a directory of an instance over the bridge, as `ukfs ls` does.
enum GuestLister {
    static func children(of directory: String, in tree: GuestTree) async -> [(name: String, isDirectory: Bool)]? {
        let path = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        guard let node = try? await tree.resolve(path), let children = try? await tree.children(of: node) else { return nil }
        return children.map { (String(decoding: $0.name, as: UTF8.self), $0.node.isDirectory) }
    }
}

/// The ukfs mounts of this host, from /proc/self/mountinfo (type fuse.ukfs).
enum UkfsMounts {
    struct Mount {
        let source: String
        let mountpoint: String
    }

    static func all() -> [Mount] {
        guard let table = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else { return [] }
        return table.split(separator: "\n").compactMap { line in
            let halves = line.components(separatedBy: " - ")
            let fields = halves[0].split(separator: " ")
            let rest = halves.count == 2 ? halves[1].split(separator: " ") : []
            guard fields.count > 4, rest.count > 1, rest[0] == "fuse.ukfs" else { return nil }
            return Mount(source: unescape(String(rest[1])), mountpoint: unescape(String(fields[4])))
        }
    }

    /// Where the tree of `target` is mounted: a mount of it, or its folder in a `--all` mount —
    /// the same address, not only the same name (another registry may have its own vm1).
    static func root(of target: ResolvedInstance) -> String? {
        roots(name: target.name, address: target.address.description).first
    }

    /// Every tree of the instance `name` at `address` mounted here: its own mounts, and its folder
    /// in each `--all` mount.
    static func roots(name: String, address: String) -> [String] {
        all().compactMap { mount in
            let folder = mount.source == "ukfs:all" ? mount.mountpoint + "/" + name : mount.mountpoint
            return meta("address", at: folder) == address ? folder : nil
        }
    }

    static func meta(_ file: String, at root: String) -> String? {
        (try? String(contentsOfFile: root + "/.ukfs/" + file, encoding: .utf8))?.trimmingCharacters(in: .newlines)
    }

    /// mountinfo writes space, tab, newline and backslash as octal escapes.
    private static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\040", with: " ").replacingOccurrences(of: "\\011", with: "\t")
            .replacingOccurrences(of: "\\012", with: "\n").replacingOccurrences(of: "\\134", with: "\\")
    }
}
