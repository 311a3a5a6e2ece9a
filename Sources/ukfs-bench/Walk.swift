import Foundation

/// `find -type f` over a mount, then open + read + close of every file it printed, one thread:
/// what `grep -r` or a metrics scraper does to a whole store.
enum Walk {
    struct Result: Sendable, Codable {
        let files: Int
        let findSeconds: Double
        let readSeconds: Double
        let failures: Int
        var seconds: Double { findSeconds + readSeconds }
        var secondsPerFile: Double { files > 0 ? seconds / Double(files) : 0 }
    }

    static func run(_ mountpoint: String) throws -> Result {
        guard let find = Programs.which("find") else { throw BenchError("find is not installed") }
        let started = Clock.seconds()
        let listing = try Programs.run([find, mountpoint, "-type", "f"])
        let findSeconds = Clock.seconds() - started
        guard listing.status == 0 else { throw BenchError("find \(mountpoint) -type f failed (\(listing.status))") }
        let files = listing.text.split(separator: "\n").map(String.init)
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 4096, alignment: 64)
        defer { buffer.deallocate() }
        var failures = 0
        let readStarted = Clock.seconds()
        for file in files where !file.withCString({ ReaderLoop.readOnce($0, buffer) }) {
            failures += 1
        }
        return Result(
            files: files.count, findSeconds: findSeconds, readSeconds: Clock.seconds() - readStarted,
            failures: failures)
    }
}
