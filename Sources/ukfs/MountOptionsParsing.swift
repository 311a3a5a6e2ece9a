import UKFilesystem

/// The `-o a,b=c` options of `ukfs mount`, parsed and checked.
struct ParsedMountOptions {
    var filesystem = MountOptions()
    var logPath: String?

    init(_ groups: [String]) throws {
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
            case ("log", let value?) where !value.isEmpty:
                logPath = value
            default:
                throw CLIError("unknown mount option '\(option)' — known: allow_other, ro, wait, timeout=SECONDS, max_threads=N, log=PATH")
            }
        }
    }
}
