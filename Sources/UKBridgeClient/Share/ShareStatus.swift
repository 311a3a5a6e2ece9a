import Foundation
import NIOCore
import UKBridge

/// What a share says about itself (its STATUS answer, docs/protocol.md §10): who holds the line,
/// how many clients share it, and what it sent for them.
public struct ShareStatus: Sendable, Equatable {
    public let pid: Int
    public let clients: Int
    public let clientRequests: Int
    public let lineRequests: Int
    public let command: String

    /// Asks the share at `location`; nil when nothing answers there in time (no share, or a dead
    /// holder's socket). A plain blocking exchange on a socket of its own: it costs a local round
    /// trip and no event loop, so `.ukfs/state` and `ukfs list` can ask from any thread.
    public static func query(_ location: ShareLocation, timeout: Duration = .milliseconds(300)) -> ShareStatus? {
        guard let fd = try? UnixSocket.connect(to: location.socketPath) else { return nil }
        defer { close(fd) }
        let deadline = ContinuousClock.now + timeout
        var request = ByteBuffer()
        FrameEncoder.writeFrame(into: &request) {
            $0.writeInteger(ShareClientHandler.statusType)
            $0.writeInteger(UInt16(1), endianness: .little)
        }
        let sent = request.withUnsafeReadableBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == request.readableBytes else { return nil }
        var receiver = FrameReceiver(maxPayload: 1024)
        var chunk = [UInt8](repeating: 0, count: 1024)
        while true {
            if var payload = receiver.nextPayload() { return decode(&payload) }
            let left = deadline - .now
            guard left > .zero else { return nil }
            var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000) + 1) > 0
            else {
                continue
            }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { return nil }
            if count < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                return nil
            }
            receiver.append(Array(chunk[..<count]))
        }
    }

    private static func decode(_ payload: inout ByteBuffer) -> ShareStatus? {
        guard payload.readInteger(as: UInt8.self) == ShareClientHandler.statusType | 0x80,
            payload.readInteger(endianness: .little, as: UInt16.self) != nil
        else { return nil }
        do throws(MalformedBody) {
            guard try payload.readVarint() == 0 else { return nil }
            let pid = try payload.readVarint(atMost: Int(Int32.max), "pid")
            let clients = try payload.readVarint(atMost: 1 << 20, "clients")
            let clientRequests = try payload.readVarint(atMost: Int.max, "client requests")
            let lineRequests = try payload.readVarint(atMost: Int.max, "line requests")
            let command = try payload.readString8("command")
            let printable = String(decoding: command, as: UTF8.self).unicodeScalars
                .filter { $0.value >= 0x20 && $0.value != 0x7F }
            return ShareStatus(
                pid: pid, clients: clients, clientRequests: clientRequests, lineRequests: lineRequests,
                command: String(String.UnicodeScalarView(printable)))
        } catch {
            return nil
        }
    }
}
