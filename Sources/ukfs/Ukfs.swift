import ArgumentParser

struct Ukfs: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "ukfs",
        abstract: "Mount a running Unikraft unikernel's ukstore as a live, procfs-like filesystem.",
        discussion: """
            Try it without a VM: `ukfs demo /tmp/uk`, then in another shell `cat /tmp/uk/net/eth0/rx_bytes`.
            Instances are found by name in the registry folder ($UKFS_RUNTIME_DIR, else $XDG_RUNTIME_DIR/ukfs,
            else /run/ukfs for root and /tmp/ukfs-<uid> for others) as NAME.sock, or given as unix:PATH.
            """,
        version: version,
        subcommands: [MountCommand.self, UmountCommand.self, SimCommand.self, ListCommand.self, DemoCommand.self,
                      LsCommand.self, GetCommand.self, SetCommand.self, WatchCommand.self, DumpCommand.self,
                      ExportCommand.self, AttachCommand.self]
    )
}
