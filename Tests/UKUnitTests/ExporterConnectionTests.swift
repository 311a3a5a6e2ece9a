import NIOCore
import NIOEmbedded
import Testing

@testable import UKExport

/// The exporter's guards against peers that hold its connections: who gives up a place to a new
/// connection, and the deadlines that close a connection trickling a request or idle too long.
@Suite("Exporter connections")
struct ExporterConnectionTests {
    private func channel() -> EmbeddedChannel { EmbeddedChannel() }

    private func isOpen(_ channel: EmbeddedChannel) -> Bool { channel.isActive }

    private func connected() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    @Test("past the total bound a new connection takes the place of the oldest one still reading")
    func evictsOldestReader() throws {
        let table = ConnectionTable(maxConnections: 3, maxPerPeer: 3)
        let first = try connected()
        let second = try connected()
        let third = try connected()
        #expect(table.admit(first, peer: "a") && table.admit(second, peer: "b") && table.admit(third, peer: "c"))
        table.enter(.answering, first)
        let fourth = try connected()
        #expect(table.admit(fourth, peer: "d"))
        #expect(first.isActive, "an answering connection keeps its place")
        #expect(!second.isActive, "the oldest reader gave its place")
        #expect(third.isActive && table.count == 3)
    }

    @Test("with no reader left, the longest idle gives its place; with every one answering, the new one is refused")
    func evictsIdleThenRefuses() throws {
        let table = ConnectionTable(maxConnections: 2, maxPerPeer: 2)
        let first = try connected()
        let second = try connected()
        #expect(table.admit(first, peer: "a") && table.admit(second, peer: "b"))
        table.enter(.idle, first)
        table.enter(.answering, second)
        let third = try connected()
        #expect(table.admit(third, peer: "c"))
        #expect(!first.isActive && second.isActive)
        table.enter(.answering, third)
        #expect(!table.admit(try connected(), peer: "d"), "every place is answering")
        #expect(second.isActive && third.isActive)
    }

    @Test("one peer past its own bound loses its own oldest reader, not another peer's")
    func perPeer() throws {
        let table = ConnectionTable(maxConnections: 10, maxPerPeer: 2)
        let other = try connected()
        #expect(table.admit(other, peer: "b"))
        let first = try connected()
        let second = try connected()
        let third = try connected()
        #expect(table.admit(first, peer: "a") && table.admit(second, peer: "a") && table.admit(third, peer: "a"))
        #expect(other.isActive && !first.isActive && second.isActive && third.isActive)
        table.remove(first)
        #expect(table.count == 3)
    }

    /// A connection behind a guard; the table admits it first, as the server does.
    private func guarded(_ table: ConnectionTable, request: Int64 = 5, idle: Int64 = 30) throws -> EmbeddedChannel {
        let channel = try connected()
        #expect(table.admit(channel, peer: "a"))
        let deadlines = ConnectionGuard.Deadlines(request: .seconds(request), answer: .seconds(120), idle: .seconds(idle))
        try channel.pipeline.syncOperations.addHandler(ConnectionGuard(table: table, deadlines: deadlines))
        return channel
    }

    private func trickle(_ channel: EmbeddedChannel, _ text: String) throws {
        try channel.writeInbound(ByteBuffer(string: text))
        _ = try channel.readInbound(as: ByteBuffer.self)
    }

    @Test("a request trickled a line a second is closed at its deadline however long it keeps sending")
    func requestDeadline() throws {
        let table = ConnectionTable(maxConnections: 4, maxPerPeer: 4)
        let channel = try guarded(table)
        try trickle(channel, "GET /metrics HTTP/1.1\r\n")
        for second in 1...4 {
            channel.embeddedEventLoop.advanceTime(by: .seconds(1))
            try trickle(channel, "X-\(second): a\r\n")
            #expect(channel.isActive, "still within the 5 s a request has")
        }
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive, "bytes arriving do not extend the request's deadline")
        #expect(table.count == 0)
    }

    @Test("an answered connection is closed after the idle timeout; a new request's first byte starts its own deadline")
    func idleThenRequest() throws {
        let table = ConnectionTable(maxConnections: 4, maxPerPeer: 4)
        let channel = try guarded(table)
        channel.pipeline.triggerUserOutboundEvent(ConnectionGuard.Event.requestRead, promise: nil)
        channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        #expect(channel.isActive, "a slow scrape is not a slow request")
        channel.pipeline.triggerUserOutboundEvent(ConnectionGuard.Event.answered, promise: nil)
        channel.embeddedEventLoop.advanceTime(by: .seconds(29))
        #expect(channel.isActive)
        try trickle(channel, "G")
        channel.embeddedEventLoop.advanceTime(by: .seconds(4))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive, "the request begun after idling had 5 s")

        let idle = try guarded(table)
        idle.pipeline.triggerUserOutboundEvent(ConnectionGuard.Event.requestRead, promise: nil)
        idle.pipeline.triggerUserOutboundEvent(ConnectionGuard.Event.answered, promise: nil)
        idle.embeddedEventLoop.advanceTime(by: .seconds(30))
        #expect(!idle.isActive, "closed after 30 s idle")
    }
}
