import ArgumentParser
import Dispatch
import UKBridgeClient

@main
enum Entry {
    /// A synchronous main on purpose: an async main parks the main thread in libdispatch with every
    /// signal unblocked, and SIGTERM would then kill ukfs before it can unmount. Here termination
    /// signals are blocked before any other thread exists, every thread inherits the mask, and one
    /// thread takes them with sigwait and ends the command (Signals.swift, Termination.swift).
    static func main() {
        Signals.takeOver()
        // Registered first, so run last, after a mount is unmounted: the registry files of the
        // lines this process holds (NAME.lock, NAME.share) go with it, whatever the signal.
        Termination.releasing { HeldLines.removeFiles() }
        let subcommands = Set(Ukfs.configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"])
        let arguments = MountHelperConvention.arguments(Array(CommandLine.arguments.dropFirst()), subcommands: subcommands)
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            // AsyncParsableCommand.main(), unrolled: its error path exits at once, and a command
            // whose flow a termination ended must die by the signal instead. The async parse, as
            // main()'s: it is the one that runs async completions (entry paths, Completions.swift).
            do {
                var command = try await Ukfs.asyncParseAsRoot(arguments)
                if var asyncCommand = command as? AsyncParsableCommand {
                    try await asyncCommand.run()
                } else {
                    try command.run()
                }
            } catch {
                Termination.awaitEndIfEnding()
                Ukfs.exit(withError: error)
            }
            done.signal()
        }
        done.wait()
        Termination.awaitEndIfEnding()
    }
}
