import NIOCore
import Synchronization

/// The exporter's open HTTP connections, bounded in total and per peer address, so that anyone who
/// can reach the port cannot keep Prometheus out: when a bound is reached, a new connection takes
/// the place of the one that has waited longest for a request to complete (a slow or silent
/// client), else of the one idle longest between requests; a connection whose answer is being
/// scraped or sent keeps its place. Only when every connection is answering is the new one refused.
final class ConnectionTable: Sendable {
    enum Phase: Sendable {
        /// Accepted, or part of a request read: a peer that trickles bytes stays here.
        case reading
        /// A request read whole: its answer is being scraped or sent.
        case answering
        /// Between requests (keep-alive).
        case idle
    }

    private struct Entry {
        let channel: Channel
        let peer: String
        var phase: Phase
        /// When the connection entered its phase: the oldest reader and the longest idle go first.
        var since: NIODeadline
    }

    let maxConnections: Int
    let maxPerPeer: Int
    private let entries = Mutex<[ObjectIdentifier: Entry]>([:])

    init(maxConnections: Int, maxPerPeer: Int) {
        self.maxConnections = maxConnections
        self.maxPerPeer = maxPerPeer
    }

    var count: Int { entries.withLock { $0.count } }

    /// Takes `channel` in, closing the connection whose place it takes; false when every place
    /// it could take is answering (the caller closes `channel`).
    func admit(_ channel: Channel, peer: String) -> Bool {
        let evicted = entries.withLock { entries -> Channel?? in
            var victim: ObjectIdentifier?
            if entries.values.count(where: { $0.peer == peer }) >= maxPerPeer {
                guard let own = Self.victim(in: entries, from: peer) else { return .none }
                victim = own
            } else if entries.count >= maxConnections {
                guard let any = Self.victim(in: entries, from: nil) else { return .none }
                victim = any
            }
            let closed = victim.flatMap { entries.removeValue(forKey: $0)?.channel }
            entries[ObjectIdentifier(channel)] = Entry(channel: channel, peer: peer, phase: .reading, since: .now())
            return .some(closed)
        }
        guard case .some(let closed) = evicted else { return false }
        closed?.close(promise: nil)
        return true
    }

    func enter(_ phase: Phase, _ channel: Channel) {
        entries.withLock { entries in
            guard entries[ObjectIdentifier(channel)] != nil else { return }
            entries[ObjectIdentifier(channel)]?.phase = phase
            entries[ObjectIdentifier(channel)]?.since = .now()
        }
    }

    func remove(_ channel: Channel) {
        _ = entries.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// The connection to give up: the oldest still reading a request, else the longest idle;
    /// among `peer`'s only, when given.
    private static func victim(in entries: [ObjectIdentifier: Entry], from peer: String?) -> ObjectIdentifier? {
        let candidates = entries.filter { peer == nil || $0.value.peer == peer }
        for phase in [Phase.reading, .idle] {
            let oldest = candidates.filter { $0.value.phase == phase }.min { $0.value.since < $1.value.since }
            if let oldest { return oldest.key }
        }
        return nil
    }
}
