import Foundation
import Logging
import NIOCore
import Synchronization
import UKBridge

/// One local client of a share, speaking protocol v1 as if to the guest: its own HELLO (answered
/// from the guest's handshake), its own request ids (the line's are the holder's: each answer goes
/// back under the id the client chose), events once it WATCHes. Everything it can send is bounded
/// here, so its garbage, flood or sudden close never reaches the guest or another client:
/// damaged bytes drop it (DamageMeter, as for a guest), at most `maxOnLine` of its requests are on
/// the line at once, and one that queues more than `maxQueued` unanswered requests is dropped.
/// What the share writes to it is bounded too: while its answers are not drained (the channel is
/// not writable) it is not read, and the events it cannot take are dropped, counted, and told
/// (EVENTS_LOST) once it reads again. One that sends no HELLO within `handshakeTimeout`, or
/// nothing for `idleTimeout`, is closed: idle processes cannot hold the share's client slots.
final class ShareClientHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let maxOnLine = 16
    /// Requests read ahead of the line before the client is no longer read.
    static let readAhead = 64
    /// What one read can still deliver past `readAhead` (reads are at most 16 KiB): beyond, the
    /// client is dropped.
    static let maxQueued = 4096
    /// The share's own request: who holds the line and how many share it (docs/protocol.md §10).
    static let statusType: UInt8 = 0x07
    /// A client must have sent its HELLO this long after connecting (or a STATUS, and gone).
    static let handshakeTimeout = TimeAmount.seconds(5)
    /// A client that sent nothing for this long is closed (ukfs's own clients send a PING when
    /// they have been quiet for `ShareKeepalive.interval`).
    static let idleTimeout = TimeAmount.seconds(30)
    /// How often the share looks for clients to close (`ShareLine.sweep`). A client is closed at
    /// the first look after its timeout minus this, so by the documented figure, never after it.
    static let sweepPeriod = TimeAmount.seconds(1)

    /// Log throttles shared by every share of the process: a local process that tries again and
    /// again must not log once per try.
    static let refusedFull = LogThrottle()
    static let closedSilent = LogThrottle()
    static let closedIdle = LogThrottle()
    static let droppedEvents = LogThrottle()

    let line: ShareLine
    let share: ShareIdentity
    let logger: Logger
    /// Raised by the frame handler when it drops this client for damage.
    private let damaged: DamageFlag
    var peer: Int32 = 0
    var context: ChannelHandlerContext?
    private var queued = CircularBuffer<(rid: UInt16, request: Request)>()
    var onLine = 0
    var watching = false
    private var registered = false
    private var reading = true
    /// Completed a HELLO: counted among the share's clients.
    private(set) var greeted = false
    /// Over the share's client limit: answered one HELLO (EUSERS) or STATUS, then closed.
    var refusing = false
    var connectedAt = NIODeadline.now()
    var lastHeard = NIODeadline.now()
    /// Events this client could not take since it last could, and the latest one's generation.
    var eventsDropped: UInt64 = 0
    var lastGeneration: UInt64 = 0

    init(line: ShareLine, share: ShareIdentity, damaged: DamageFlag, logger: Logger) {
        self.line = line
        self.share = share
        self.damaged = damaged
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        self.context = context
        context.fireChannelActive()
        // Only the holder's own user: the folder is 0700 already, this is the second lock.
        guard let peer = PeerCredentials.of(context.channel), peer.uid == getuid() else {
            logger.warning("refused a share client of another user")
            return context.close(promise: nil)
        }
        guard !line.isBanned(peer.pid) else { return context.close(promise: nil) }
        self.peer = peer.pid
        connectedAt = .now()
        lastHeard = connectedAt
        if line.add(self) {
            registered = true
            return
        }
        if let total = Self.refusedFull.note() {
            logger.warning(
                "refused a share client: \(LineShare.maxClients) clients already", metadata: ["times": "\(total)", "pid": "\(peer.pid)"])
        }
        // Told why, when it asks (HELLO: EUSERS; STATUS: the status), so that it can tell its user
        // the share is full instead of guessing; a few at a time, the rest closed at once.
        guard line.addRefused(self) else { return context.close(promise: nil) }
        refusing = true
        registered = true
    }

    func channelInactive(context: ChannelHandlerContext) {
        if damaged.isRaised {
            logger.warning("dropped a share client that sent damaged frames", metadata: ["pid": "\(peer)"])
            line.ban(peer)
        }
        if registered { refusing ? line.removeRefused(self) : line.remove(self) }
        registered = false
        self.context = nil
        queued.removeAll()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard registered else { return }
        lastHeard = .now()
        let payload = unwrapInboundIn(data)
        defer { updateReading() }
        if payload.getInteger(at: payload.readerIndex, as: UInt8.self) == Self.statusType {
            status(rid: payload.getInteger(at: payload.readerIndex + 1, endianness: .little, as: UInt16.self) ?? 0)
            if refusing { closeAfterWrites() }
            return
        }
        guard !refusing else {
            if case .request(let rid, .hello) = MessageCodec.decode(payload) {
                reply(.failure(.hello, errno: WireErrno.EUSERS), rid: rid)
            }
            return closeAfterWrites()
        }
        switch MessageCodec.decode(payload) {
        case .request(let rid, let request):
            guard queued.count < Self.maxQueued else {
                logger.warning(
                    "dropped a share client that queued more than \(Self.maxQueued) requests",
                    metadata: ["pid": "\(peer)"])
                line.ban(peer)
                return context.close(promise: nil)
            }
            queued.append((rid, request))
            pump()
        case .malformed(let type, let rid, _):
            // As a guest answers (§2.3): EPROTO for a known request, nothing for the rest.
            if let kind = RequestKind(rawValue: type) { reply(.failure(kind, errno: WireErrno.EPROTO), rid: rid) }
        case .unknown(let type, let rid):
            replyUnknown(type: type, rid: rid)
        case .answer, .event:
            return   // a client sends requests only
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    /// Hands queued requests to the line while fewer than `maxOnLine` of this client's wait there
    /// and the client reads its answers (a client that stops reading fills its own queue, and is
    /// dropped, instead of the holder's memory).
    private func pump() {
        while onLine < Self.maxOnLine, context?.channel.isWritable == true, let (rid, request) = queued.popFirst() {
            handle(request, rid: rid)
        }
        updateReading()
    }

    /// A client is read while it drains what the share writes to it and is not too far ahead of
    /// its answers: a flood waits in its own socket, not in the holder's memory or on the line.
    /// What one read brought (at most 16 KiB) is still answered, so the share writes at most
    /// that much past the channel's high-water mark.
    private func updateReading() {
        guard let context, context.channel.isActive else { return }
        let writable = context.channel.isWritable
        if reading, !writable || queued.count >= Self.readAhead {
            reading = false
            context.channel.setOption(.autoRead, value: false).whenComplete { _ in }
        } else if !reading, writable, queued.count < Self.readAhead / 2 {
            reading = true
            context.channel.setOption(.autoRead, value: true).whenComplete { _ in }
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            // It reads again: that is not idleness, and it learns what it missed.
            lastHeard = .now()
            tellLostEvents()
        }
        pump()
        context.fireChannelWritabilityChanged()
    }

    private func handle(_ request: Request, rid: UInt16) {
        let hello = line.connection.hello
        switch request {
        case .hello(let minVersion, let maxVersion, let maxPayload):
            watching = false
            guard minVersion <= ProtocolLimits.version, ProtocolLimits.version <= maxVersion else {
                return reply(.failure(.hello, errno: WireErrno.EPROTONOSUPPORT), rid: rid)
            }
            // Answers pass on as the guest sized them for the holder, who accepts the most.
            guard maxPayload >= BridgeConnection.hostMaxPayload else {
                return reply(.failure(.hello, errno: WireErrno.EPROTO), rid: rid)
            }
            onLineRequest(.ping, rid: rid, counted: false) { answer in
                guard case .ping(let generation) = answer else { return .failure(.hello, errno: WireErrno.EIO) }
                var info = hello
                info.generation = generation
                return .hello(info)
            }
            if !greeted {
                greeted = true
                line.countClients()
            }
        case .watch(let flags):
            // The holder watches for everyone; this client only chooses whether it hears events.
            watching = flags & 1 != 0
            onLineRequest(.ping, rid: rid, counted: true) { answer in
                guard case .ping(let generation) = answer else { return .failure(.watch, errno: WireErrno.EIO) }
                return .watch(generation: generation)
            }
        case .get(let refs) where refs.count > hello.maxBatch:
            reply(.failure(.get, errno: WireErrno.EPROTO), rid: rid)
        default:
            onLineRequest(request, rid: rid, counted: true) { $0 }
        }
    }

    private func onLineRequest(_ request: Request, rid: UInt16, counted: Bool, map: @escaping @Sendable (Answer) -> Answer) {
        onLine += 1
        let me = NIOLoopBound(self, eventLoop: line.connection.eventLoop)
        let done: ShareLine.Done = { result in
            let client = me.value
            client.onLine -= 1
            switch result {
            case .success(let answer):
                client.reply(map(answer), rid: rid)
            case .failure(.timedOut), .failure(.disconnected):
                break   // the client's own deadline answers it; a lost line closes every client
            case .failure:
                client.reply(.failure(request.kind, errno: WireErrno.EIO), rid: rid)
            }
            client.pump()
        }
        if counted { line.send(request, done: done) } else { line.ask(request, done: done) }
    }

    /// Closes once what was written has gone (an answer to a client over the limit).
    private func closeAfterWrites() {
        guard let context else { return }
        registered = false
        line.removeRefused(self)
        let channel = context.channel
        channel.writeAndFlush(channel.allocator.buffer(capacity: 0)).whenComplete { _ in channel.close(promise: nil) }
    }

    func close() {
        context?.close(promise: nil)
    }
}
