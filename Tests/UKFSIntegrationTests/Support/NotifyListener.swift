import Foundation

/// A test's own stand-in for systemd's notification socket: a Unix datagram socket whose name is
/// given to ukfs as NOTIFY_SOCKET (`@name`: Linux's abstract namespace, as systemd may use; or a
/// path), and the messages that arrive on it, each a list of `KEY=value` fields.
final class NotifyListener {
    let fd: Int32
    /// What NOTIFY_SOCKET should say.
    let address: String
    private(set) var received: [[String]] = []

    init(abstract: Bool, folder: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw FixtureError("socket: \(String(cString: strerror(errno)))") }
        let name = abstract ? "ukfs-test-notify-\(getpid())-\(UInt32.random(in: 0...UInt32.max))" : folder + "/notify.sock"
        address = abstract ? "@" + name : name
        var bytes = Array(name.utf8)
        if abstract { bytes.insert(0, at: 0) }
        var socketAddress = sockaddr_un()
        socketAddress.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &socketAddress.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count)
        let bound = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 }
        }
        // No close here: every property is set, so deinit runs on this throw and closes fd itself
        // (a second close could hit another test's descriptor by then).
        guard bound else {
            throw FixtureError("bind \(address): \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(fd) }

    /// Waits up to `seconds` for a message with a field for which `matches` holds; returns it.
    func message(within seconds: Double, where matches: (String) -> Bool) -> [String]? {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if let found = received.first(where: { $0.contains(where: matches) }) { return found }
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { return nil }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(min(left, 1) * 1000) + 1) > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = recv(fd, &buffer, buffer.count, 0)
            if count > 0 {
                received.append(String(decoding: buffer[..<count], as: UTF8.self).split(separator: "\n").map(String.init))
            }
        }
    }
}
