/// mount(8) mounts a `fuse.ukfs` filesystem through mount.fuse3, which runs the filesystem's own
/// program as every FUSE filesystem expects (sshfs, rclone): `ukfs SOURCE MOUNTPOINT -o OPTIONS`,
/// with no subcommand. Such a command line is `ukfs mount SOURCE MOUNTPOINT -o OPTIONS`.
enum MountHelperConvention {
    /// The arguments (without the program name) argument-parser should see.
    static func arguments(_ arguments: [String], subcommands: Set<String>) -> [String] {
        guard let first = arguments.first, !first.hasPrefix("-"), !subcommands.contains(first) else { return arguments }
        // Two words that are not options or their values: SOURCE and MOUNTPOINT.
        var positional = 0
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            if word == "-o" || word == "--log-level" { index += 2; continue }
            if !word.hasPrefix("-") { positional += 1 }
            index += 1
        }
        return positional == 2 ? ["mount"] + arguments : arguments
    }
}
