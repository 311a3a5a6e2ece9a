import Foundation

/// The kernel's mount table (/proc/self/mountinfo), the one truth about what is mounted where:
/// unlike stat() of a mountpoint, it never comes from a dead FUSE server's cached attributes.
public struct MountTable: Sendable {
    public struct Mount: Sendable {
        let device: (major: UInt64, minor: UInt64)
        public let mountpoint: String
        /// `fuse.ukfs` for ours.
        public let type: String
    }

    let mounts: [Mount]

    public static func current() -> MountTable {
        let text = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
        return MountTable(mounts: text.split(separator: "\n").compactMap(parse))
    }

    /// `36 35 0:51 / /mnt/uk rw,nosuid - fuse.ukfs ukfs:vm1 rw,…`: device, mountpoint, type.
    private static func parse(_ line: Substring) -> Mount? {
        let halves = line.components(separatedBy: " - ")
        guard halves.count == 2 else { return nil }
        let fields = halves[0].split(separator: " ")
        let numbers = fields.count > 4 ? fields[2].split(separator: ":") : []
        guard numbers.count == 2, let major = UInt64(numbers[0]), let minor = UInt64(numbers[1]),
            let type = halves[1].split(separator: " ").first
        else { return nil }
        return Mount(device: (major, minor), mountpoint: unescape(fields[4]), type: String(type))
    }

    /// mountinfo writes space, tab, newline and backslash as octal escapes (\040 …).
    private static func unescape(_ field: Substring) -> String {
        var bytes: [UInt8] = []
        var rest = Array(field.utf8)[...]
        while let byte = rest.first {
            if byte == UInt8(ascii: "\\"), rest.count >= 4,
                let code = UInt8(String(decoding: rest.dropFirst().prefix(3), as: UTF8.self), radix: 8)
            {
                bytes.append(code)
                rest = rest.dropFirst(4)
            } else {
                bytes.append(byte)
                rest = rest.dropFirst()
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The topmost mount at `path` (compared lexically: no lookup through a mount that may be dead).
    public func mount(at path: String) -> Mount? {
        mounts.last { Self.sameMountpoint($0.mountpoint, path) }
    }

    /// The topmost mount whose device is `device` (a stat's st_dev).
    func mount(ofDevice device: UInt64) -> Mount? {
        let major = ((device >> 8) & 0xfff) | ((device >> 32) & ~0xfff)
        let minor = (device & 0xff) | ((device >> 12) & ~0xff)
        return mounts.last { $0.device.major == major && $0.device.minor == minor }
    }

    static func sameMountpoint(_ a: String, _ b: String) -> Bool {
        normalized(a) == normalized(b)
    }

    /// An absolute path without `.`, `..`, repeated or trailing slashes, lexically.
    static func normalized(_ path: String) -> String {
        URL(fileURLWithPath: path).standardized.path
    }

    /// Whether the FUSE server behind the mount at `path` is gone. statfs (here through statvfs)
    /// is never answered from the kernel's cache: it becomes a request to the server, and with
    /// none the kernel answers ENOTCONN (ECONNABORTED for requests cut off as the server died).
    static func serverIsGone(_ path: String) -> Bool {
        var info = statvfs()
        guard statvfs(path, &info) != 0 else { return false }
        return errno == ENOTCONN || errno == ECONNABORTED
    }
}
