import Foundation
import Logging
import NIOPosix
import Testing
import UKBridge
import UKBridgeClient
import UKGuestTree
import UKSimulator
import UKTestSupport

/// The share in one process: a one-client simulator, a holder, and clients of its share, each a
/// plain BridgeConnection, as every ukfs process is.
@Suite("Sharing a line", .ownThreads)
struct ShareTests {
    final class Rig {
        let folder: String
        let location: ShareLocation
        let server: SimulatorServer
        let holder: GuestLine
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let logger = Logger(label: "share-tests")

        init() async throws {
            var template = Array((FileManager.default.temporaryDirectory.path + "/ukfs-share-XXXXXX").utf8CString)
            guard let made = mkdtemp(&template) else { throw CancellationError() }
            folder = String(cString: made)
            location = ShareLocation(folder: folder, name: "vm1")
            server = try await SimulatorServer.start(
                store: SimulatedStore(name: "vm1"), unixSocketPath: folder + "/vm1.sock",
                group: group, logger: logger, oneClient: true)
            holder = try await LineConnector.connect(
                LineTarget(address: .unix(path: folder + "/vm1.sock"), share: location),
                role: .holder, group: group, timeout: Self.bound, logger: logger)
        }

        /// How long a client waits for the share or an answer; the suite runs on threads of its
        /// own (`.ownThreads`), so this bounds the share, not the other suites' use of the pool.
        static let bound = Duration.seconds(20)

        /// A client of the holder's share.
        func client(onEvent: @escaping @Sendable (ObjectEvent) -> Void = { _ in }) async throws -> GuestLine {
            try await LineConnector.connect(
                LineTarget(address: .unix(path: folder + "/vm1.sock"), share: location),
                role: .holder, group: group, timeout: Self.bound, logger: logger, onEvent: onEvent)
        }

        func stop() async {
            holder.connection.close()
            await server.close()
            try? await group.shutdownGracefully()
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    @Test("a client's handshake is the guest's; its request ids are its own; its answers are its own")
    func passThrough() async throws {
        let rig = try await Rig()
        let client = try await rig.client()
        #expect(client.route == .shared(rig.location))
        #expect(rig.holder.route == .direct && rig.holder.share != nil)
        #expect(client.connection.hello.bootID == rig.holder.connection.hello.bootID)
        #expect(client.connection.hello.maxBatch == rig.holder.connection.hello.maxBatch)
        let tree = GuestTree(connection: client.connection, timeout: Rig.bound)
        guard case .entry(let level) = try await tree.resolve("libukprint/console_lvl") else { throw CancellationError() }
        // Many requests at once, each answered under its own id with its own value.
        let answers = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<200 {
                group.addTask { await tree.read([level]) == [.value(.unsigned(.u8, 3))] }
            }
            return await group.reduce(true) { $0 && $1 }
        }
        #expect(answers)
        #expect(await tree.write(level, text: Array("5".utf8)) == nil)
        #expect(await GuestTree(connection: rig.holder.connection, timeout: Rig.bound).read([level]) == [.value(.unsigned(.u8, 5))])
        #expect(ShareStatus.query(rig.location)?.clients == 1)
        #expect(ShareStatus.query(rig.location)?.pid == Int(getpid()))
        client.connection.close()
        await rig.stop()
    }

    @Test("the guest's events reach every client that watches, and only those")
    func events() async throws {
        let rig = try await Rig()
        let heard = EventLog()
        let unheard = EventLog()
        let watcher = try await rig.client { heard.append($0) }
        let other = try await rig.client { unheard.append($0) }
        #expect(await watcher.connection.send(.watch(flags: 1), timeout: Rig.bound) != .failure(.timedOut))
        let count = EntryRef.staticEntry(lib: SimulatedStore.appsim, entry: 1)
        #expect(await other.connection.send(.set(count, .unsigned(.u8, 2)), timeout: Rig.bound) == .success(.set))
        for _ in 0..<100 where heard.events.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        #expect(heard.events.map(\.kind) == [.created])
        #expect(unheard.events.isEmpty)
        watcher.connection.close()
        other.connection.close()
        await rig.stop()
    }

    @Test("GETs of several clients at once are merged, each distinct entry asked once")
    func merging() async throws {
        let rig = try await Rig()
        var clients: [GuestLine] = []
        for _ in 0..<8 { clients.append(try await rig.client()) }
        let refs = (1...11).map { EntryRef.staticEntry(lib: SimulatedStore.libukalloc, entry: UInt64($0)) }
        let before = try #require(rig.holder.share?.getCounts)
        let correct = await withTaskGroup(of: Bool.self) { group in
            for client in clients {
                group.addTask {
                    var ok = true
                    for _ in 0..<50 {
                        guard case .success(.get(let results)) = await client.connection.send(.get(refs), timeout: Rig.bound),
                            results.count == refs.count
                        else { ok = false; continue }
                        ok = ok && results.allSatisfy { if case .value = $0 { true } else { false } }
                    }
                    return ok
                }
            }
            return await group.reduce(true) { $0 && $1 }
        }
        #expect(correct)
        let after = try #require(rig.holder.share?.getCounts)
        let clientGets = after.clients - before.clients
        let lineGets = after.line - before.line
        #expect(clientGets == 400)
        #expect(lineGets < clientGets / 2, "merging sent \(lineGets) GETs for \(clientGets)")
        for client in clients { client.connection.close() }
        await rig.stop()
    }

    @Test("when the holder's line ends, its clients are closed and the socket is gone")
    func holderEnds() async throws {
        let rig = try await Rig()
        let client = try await rig.client()
        rig.holder.connection.close()
        try await client.connection.closeFuture.get()
        for _ in 0..<100 where FileManager.default.fileExists(atPath: rig.location.socketPath) {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(!FileManager.default.fileExists(atPath: rig.location.socketPath))
        // The next one to connect holds the line itself.
        let next = try await rig.client()
        #expect(next.route == .direct)
        next.connection.close()
        await rig.stop()
    }
}
