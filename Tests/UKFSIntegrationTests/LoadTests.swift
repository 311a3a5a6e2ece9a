import Foundation
import Synchronization
import Testing

/// Sixteen readers, a writer and objects created and released all the time, against one mount.
/// Bounded to UKFS_LOAD_SECONDS (default 10) so CI stays short; run longer by hand:
/// `UKFS_LOAD_SECONDS=300 swift test --filter LoadTests`.
@Suite("Load")
struct LoadTests {
    static let seconds = Double(ProcessInfo.processInfo.environment["UKFS_LOAD_SECONDS"] ?? "") ?? 10

    struct DaemonSample: CustomStringConvertible {
        let rssKiB: Int
        /// Descriptors other than passthrough's value files, which fill a bounded pool as entries
        /// are first read (memfd:ukfs-value, counted apart).
        let fds: Int
        let valueFiles: Int
        let threads: Int
        var description: String { "RSS \(rssKiB) KiB, \(fds) fds + \(valueFiles) value files, \(threads) threads" }

        init(pid: String) {
            let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
            func field(_ name: String) -> Int {
                status.split(separator: "\n").first { $0.hasPrefix(name + ":") }
                    .flatMap { Int($0.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") } ?? -1
            }
            rssKiB = field("VmRSS")
            threads = field("Threads")
            let links = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []).map {
                (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\($0)")) ?? ""
            }
            valueFiles = links.filter { $0.hasPrefix("/memfd:ukfs-value") }.count
            fds = links.count - valueFiles
        }
    }

    /// Reads a whole file with open/read/close; 0 or the errno.
    static func readFile(_ path: String) -> Int32 {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return errno }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 256)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count == 0 { return 0 }
            if count < 0 { return errno }
        }
    }

    static func writeFile(_ path: String, _ text: String) -> Int32 {
        let fd = open(path, O_WRONLY | O_TRUNC)
        guard fd >= 0 else { return errno }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count ? 0 : errno
    }

    @Test("no unexpected error; RSS, descriptors and threads flat after warm-up")
    func sustainedLoad() throws {
        let instance = try Instance()
        defer { instance.stop() }
        try instance.mount()
        let mnt = instance.mountpoint
        let pid = instance.sh("pgrep -f 'ukfs mount vm1 \(mnt) --foreground'").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!pid.isEmpty)

        let stop = Atomic<Bool>(false)
        let operations = Atomic<Int>(0)
        let unexpected = Mutex<[String]>([])
        @Sendable func fail(_ what: String) { unexpected.withLock { if $0.count < 20 { $0.append(what) } } }

        var threads: [Thread] = []
        let stable = [
            "\(mnt)/net/eth0/rx_bytes", "\(mnt)/libukprint/console_lvl", "\(mnt)/libukalloc/cur_mem_free",
            "\(mnt)/libuksched/cpu1/sched_count", "\(mnt)/appsim/hostname",
        ]
        let churned = ["\(mnt)/libuknetdev/netdev2/tx_bytes", "\(mnt)/net/eth3/rx_packets"]
        for reader in 0..<16 {
            threads.append(
                Thread {
                    var index = reader
                    while !stop.load(ordering: .relaxed) {
                        index += 1
                        if index % 4 == 0 {
                            // Objects that come and go: ENOENT is the right answer while they are gone.
                            let status = Self.readFile(churned[index % churned.count])
                            if status != 0 && status != ENOENT { fail("read of a churned object: \(String(cString: strerror(status)))") }
                        } else {
                            let status = Self.readFile(stable[index % stable.count])
                            if status != 0 { fail("read \(stable[index % stable.count]): \(String(cString: strerror(status)))") }
                        }
                        operations.add(1, ordering: .relaxed)
                    }
                })
        }
        threads.append(
            Thread {
                var level = 0
                while !stop.load(ordering: .relaxed) {
                    level = (level + 1) % 8
                    let status = Self.writeFile("\(mnt)/libukprint/console_lvl", "\(level)\n")
                    if status != 0 { fail("write console_lvl: \(String(cString: strerror(status)))") }
                    operations.add(1, ordering: .relaxed)
                }
            })
        threads.append(
            Thread {
                var count = 1
                while !stop.load(ordering: .relaxed) {
                    count = count % 4 + 1
                    let status = Self.writeFile("\(mnt)/appsim/netdev_count", "\(count)\n")
                    if status != 0 { fail("write netdev_count: \(String(cString: strerror(status)))") }
                    usleep(20_000)
                }
            })
        threads.forEach { $0.start() }
        let warmUp = min(2, Self.seconds / 4)
        usleep(UInt32(warmUp * 1_000_000))
        let before = DaemonSample(pid: pid)
        usleep(UInt32((Self.seconds - warmUp) * 1_000_000))
        let after = DaemonSample(pid: pid)
        stop.store(true, ordering: .relaxed)
        usleep(300_000)

        let errors = unexpected.withLock { $0 }
        print("load: \(operations.load(ordering: .relaxed)) operations in \(Self.seconds) s; after warm-up \(before); at end \(after)")
        #expect(errors.isEmpty, "\(errors)")
        #expect(after.fds <= before.fds + 2, "descriptors grew: \(before) → \(after)")
        // The pool's bound (32 idle) and one per entry the 16 readers may hold open at once.
        #expect(after.valueFiles <= 32 + 16, "passthrough value files beyond their bound: \(after)")
        #expect(after.rssKiB <= before.rssKiB + 16 * 1024, "RSS grew: \(before) → \(after)")
        #expect(after.threads <= 40, "threads: \(after)")
        #expect(instance.read(".ukfs/state") == "connected\n")
        // The tree is consistent once the churn stops.
        #expect(instance.sh("echo 2 > \"$M/appsim/netdev_count\"").status == 0)
        #expect(Shell.eventually(within: 2) { instance.sh("ls \"$M/net\"").stdout == "eth0\neth1\nnetdev0\nnetdev1\n" })
    }
}
