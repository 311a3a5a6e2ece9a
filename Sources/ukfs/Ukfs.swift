import ArgumentParser

struct Ukfs: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "ukfs",
        abstract: "Mount a running Unikraft unikernel's ukstore as a live, procfs-like filesystem.",
        discussion: """
            Try it without a VM: `ukfs demo /tmp/uk`, then in another shell `cat /tmp/uk/net/eth0/rx_bytes`.

            Instances are found by name in the registry folder ($UKFS_RUNTIME_DIR, else $XDG_RUNTIME_DIR/ukfs, \
            else /run/ukfs for root and /tmp/ukfs-<uid> for others) as NAME.sock, then among KraftKit's machines; or given as an \
            address: unix:PATH (or a path with a /), tcp:HOST:PORT, vsock:CID:PORT or fc-vsock:PATH:PORT.

            Usage errors (a missing, extra or malformed argument) print argument-parser's three lines (Error:, \
            the usage, where the help is) and exit 64; every other failure is one `ukfs: …` line, exit 1, or for \
            ls, get, set, watch and dump the errno the mount would give (2, 5, 13, 20, 21, 22, 27, 34). See ukfs(1), EXIT STATUS.
            """,
        version: version,
        subcommands: [
            MountCommand.self, UmountCommand.self, SimCommand.self, ListCommand.self, DemoCommand.self,
            LsCommand.self, GetCommand.self, SetCommand.self, WatchCommand.self, DumpCommand.self,
            ExportCommand.self, TopCommand.self, AttachCommand.self, ManualCommand.self,
        ]
    )
}
