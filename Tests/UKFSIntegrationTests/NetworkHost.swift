import Foundation

/// A "host" for a test: a network namespace of its own, reached from the test's namespace through
/// a veth pair (`HOST_SIDE` ↔ `ADDRESS`), with its own registry folder. Commands run inside it with
/// `ip netns exec`. `remove()` deletes the namespace, and with it the veth pair.
final class NetworkHost {
    let name: String
    let address: String
    let gateway: String
    let registry: String
    private var removed = false

    /// `subnet` is the /24's first three octets (e.g. "10.198.7"): the host is .2, this side .1.
    init(name: String, subnet: String, folder: String) throws {
        self.name = name
        address = subnet + ".2"
        gateway = subnet + ".1"
        registry = folder + "/" + name + "-registry"
        try FileManager.default.createDirectory(atPath: registry, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let outside = "v" + String(name.suffix(13))
        let made = Shell.run(
            """
            set -e
            ip netns add '\(name)'
            ip link add '\(outside)' type veth peer name eth0 netns '\(name)'
            ip addr add '\(gateway)/24' dev '\(outside)'
            ip link set '\(outside)' up
            ip -n '\(name)' addr add '\(address)/24' dev eth0
            ip -n '\(name)' link set eth0 up
            ip -n '\(name)' link set lo up
            """)
        guard made.status == 0 else {
            remove()
            throw FixtureError("cannot make network namespace \(name): \(made)")
        }
    }

    var environment: [String: String] { ["UKFS_RUNTIME_DIR": registry] }

    /// `arguments` as run inside the namespace.
    func inside(_ arguments: [String]) -> [String] { ["/usr/bin/ip", "netns", "exec", name] + arguments }

    func remove() {
        guard !removed else { return }
        removed = true
        Shell.run(["/usr/bin/ip", "netns", "del", name])
    }
}
