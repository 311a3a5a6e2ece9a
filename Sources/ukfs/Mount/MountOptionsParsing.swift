import Foundation
import UKFilesystem

/// The `-o a,b=c` options of `ukfs mount`, parsed and checked: ukfs's own, and the generic ones
/// mount(8), mount.fuse3 and fstab pass to every FUSE filesystem.
struct ParsedMountOptions {
    var filesystem = MountOptions()
    var logPath: String?

    /// ukfs's own options, as the error for an unknown one lists them.
    static let own = "allow_other, ro, rw, wait, timeout=SECONDS, max_threads=N, idle=SECONDS, passthrough=auto|off, log=PATH"

    /// `UKFS_PASSTHROUGH=off` makes the libfuse path the default of mounts that do not say
    /// `-o passthrough=` (how CI runs the behaviour suites on both paths).
    static let passthroughVariable = "UKFS_PASSTHROUGH"

    init(_ groups: [String], environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        if let value = environment[Self.passthroughVariable] {
            guard let mode = PassthroughMode(rawValue: value) else {
                throw CLIError("\(Self.passthroughVariable)=\(value): give auto or off (or unset it)")
            }
            filesystem.passthrough = mode
        }
        for option in groups.flatMap({ $0.split(separator: ",") }).map(String.init) {
            let parts = option.split(separator: "=", maxSplits: 1).map(String.init)
            let key = parts[0]
            let value = parts.count > 1 ? parts[1] : nil
            switch (key, value) {
            case ("allow_other", nil): filesystem.allowOther = true
            case ("ro", nil): filesystem.readOnly = true
            case ("rw", nil): filesystem.readOnly = false
            case ("wait", nil): filesystem.waitForGuest = true
            case ("timeout", let value?):
                guard let seconds = Double(value), seconds > 0, seconds <= 3600 else {
                    throw CLIError("-o timeout=\(value): give seconds between 0 and 3600, e.g. timeout=2")
                }
                filesystem.timeout = .milliseconds(Int64(seconds * 1000))
            case ("max_threads", let value?):
                guard let threads = UInt32(value), (1...256).contains(threads) else {
                    throw CLIError("-o max_threads=\(value): give a number from 1 to 256")
                }
                filesystem.maxThreads = threads
            case ("idle", let value?):
                guard let seconds = Double(value), seconds >= 0, seconds <= 86_400 else {
                    throw CLIError("-o idle=\(value): give seconds from 0 (never close) to 86400, e.g. idle=60")
                }
                filesystem.idleClose = seconds == 0 ? nil : .milliseconds(Int64(seconds * 1000))
            case ("passthrough", let value?):
                guard let mode = PassthroughMode(rawValue: value) else {
                    throw CLIError("-o passthrough=\(value): give auto (the kernel serves reads where it can) or off")
                }
                filesystem.passthrough = mode
            case ("log", let value?) where !value.isEmpty:
                logPath = value
            default:
                switch GenericMountOption.classify(option) {
                case .kernelFlag: filesystem.kernelFlags.append(option)
                case .ignored: break
                case nil:
                    throw CLIError(
                        "unknown mount option '\(option)' — known: \(Self.own), and mount(8)'s generic ones (nosuid, nodev, noexec, noatime, _netdev, noauto, x-systemd.*, …)"
                    )
                }
            }
        }
    }
}

/// The options mount(8) and fstab give every filesystem, handled as other FUSE filesystems
/// (sshfs) handle them: what the kernel can apply to a FUSE mount goes to libfuse, what only
/// mount(8), systemd or fstab readers act on is accepted and ignored.
enum GenericMountOption {
    enum Handling { case kernelFlag, ignored }

    /// Applied by the kernel, through libfuse 3's own list of mount flags.
    static let kernelFlags: Set = ["exec", "noexec", "atime", "noatime", "sync", "async", "dirsync"]

    /// Accepted, with nothing to do: ukfs always mounts nosuid,nodev (no entry is ever setuid or a
    /// device, so mount.fuse3's automatic `dev,suid` change nothing); access times are not kept,
    /// so the finer atime options have no effect; the rest are for mount(8), systemd and fstab.
    static let ignored: Set = [
        "nosuid", "nodev", "suid", "dev", "defaults", "auto", "noauto", "user", "nouser",
        "users", "owner", "group", "nofail", "_netdev", "relatime", "norelatime",
        "strictatime", "nostrictatime", "diratime", "nodiratime", "lazytime", "nolazytime",
    ]

    /// Prefixes of options meant for others: systemd's and other tools' `x-…`/`X-…`, fstab's `comment=`.
    static let ignoredPrefixes = ["x-", "X-", "comment="]

    static func classify(_ option: String) -> Handling? {
        if kernelFlags.contains(option) { return .kernelFlag }
        if ignored.contains(option) || ignoredPrefixes.contains(where: { option.hasPrefix($0) }) { return .ignored }
        return nil
    }
}
