import ArgumentParser
import UKBridgeClient

struct SetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Call an entry's setter, as `echo VALUE > entry` on the mount would.",
        discussion:
            "Exit status on failure: 13 no setter, 22 not a value of the entry's type, 34 out of its range, 27 text longer than the guest's max_string, or the setter's own errno."
    )

    @OptionGroup var target: InstanceOptions

    @Argument(help: "The entry, e.g. print/console_lvl.", completion: .custom(Completions.entryPaths))
    var path: String

    @Argument(help: "Decimal, 0x hex, a sign for signed types; text for charp entries.")
    var value: String

    func run() async throws {
        try await reportingErrors {
            try await ScriptSession.with(target, label: "ukfs.set") { session in
                let entry = try await session.entry(path)
                if let errno = await session.tree.write(entry, text: Array(value.utf8)) {
                    throw session.failure(path: path, errno: errno)
                }
            }
        }
    }
}
