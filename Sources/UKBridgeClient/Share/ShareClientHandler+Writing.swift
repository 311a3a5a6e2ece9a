import Logging
import NIOCore
import Synchronization
import UKBridge

/// What a share client is sent — answers, STATUS, events (dropped while it does not read them) —
/// and the close of one that stayed silent.
extension ShareClientHandler {
    func reply(_ answer: Answer, rid: UInt16) {
        guard let context, context.channel.isActive else { return }
        var buffer = context.channel.allocator.buffer(capacity: 64)
        FrameEncoder.writeFrame(into: &buffer) { MessageCodec.encode(answer: answer, rid: rid, into: &$0) }
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

    func replyUnknown(type: UInt8, rid: UInt16) {
        guard let context else { return }
        var buffer = context.channel.allocator.buffer(capacity: 16)
        FrameEncoder.writeFrame(into: &buffer) { MessageCodec.encodeUnknownAnswer(type: type, rid: rid, into: &$0) }
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

    func status(rid: UInt16) {
        guard let context else { return }
        var buffer = context.channel.allocator.buffer(capacity: 64)
        let counters = line.counters
        FrameEncoder.writeFrame(into: &buffer) {
            $0.writeInteger(Self.statusType | 0x80)
            $0.writeInteger(rid, endianness: .little)
            $0.writeVarint(0)
            $0.writeVarint(UInt64(share.pid))
            $0.writeVarint(counters.clients.load(ordering: .relaxed))
            $0.writeVarint(counters.clientRequests.load(ordering: .relaxed))
            $0.writeVarint(counters.lineRequests.load(ordering: .relaxed))
            $0.writeString8(Array(share.command.utf8.prefix(255)))
        }
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

    /// An event for a client that watches; dropped (and counted) while the client does not drain
    /// what it was sent, so a client that stops reading costs the holder at most the channel's
    /// high-water mark, however many events the guest sends.
    func deliver(_ event: ObjectEvent) {
        guard watching, let context, context.channel.isActive else { return }
        lastGeneration = event.generation
        guard context.channel.isWritable else {
            eventsDropped += 1
            line.counters.eventsDropped.add(1, ordering: .relaxed)
            if let total = Self.droppedEvents.note() {
                logger.warning(
                    "dropped guest events for a share client that does not read them", metadata: ["total": "\(total)", "pid": "\(peer)"])
            }
            return
        }
        tellLostEvents()
        context.writeAndFlush(wrapOutboundOut(FrameEncoder.frame(event: event, allocator: context.channel.allocator)), promise: nil)
    }

    /// EVENTS_LOST (docs/protocol.md §10) before anything else the client hears of the tree, once
    /// it can take it: its cached tree may be stale, so it re-lists.
    func tellLostEvents() {
        guard eventsDropped > 0, watching, let context, context.channel.isActive else { return }
        let marker = ObjectEvent(kind: .overflow, lib: 0, object: eventsDropped, generation: lastGeneration, name: [])
        eventsDropped = 0
        context.writeAndFlush(wrapOutboundOut(FrameEncoder.frame(event: marker, allocator: context.channel.allocator)), promise: nil)
    }

    /// Closes a client that never completed its handshake in time, or fell silent; true if closed.
    func closeIfStale(now: NIODeadline) -> Bool {
        guard let context else { return false }
        if !greeted || refusing {
            guard now - connectedAt >= Self.handshakeTimeout - Self.sweepPeriod else { return false }
            if let total = Self.closedSilent.note() {
                logger.warning(
                    "closed a share client that sent no HELLO within \(Self.handshakeTimeout.nanoseconds / 1_000_000_000) s",
                    metadata: ["times": "\(total)", "pid": "\(peer)"])
            }
        } else {
            guard now - lastHeard >= Self.idleTimeout - Self.sweepPeriod, onLine == 0 else { return false }
            if let total = Self.closedIdle.note() {
                logger.notice(
                    "closed a share client that sent nothing for \(Self.idleTimeout.nanoseconds / 1_000_000_000) s",
                    metadata: ["times": "\(total)", "pid": "\(peer)"])
            }
        }
        context.close(promise: nil)
        return true
    }
}
